// Renders an HTML file (Neovim's :TOhtml of the test buffer) to a PNG with headless Chromium.
//   node render.mjs in.html out.png
import path from "node:path";
import puppeteer from "puppeteer-core";

const [input, output] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  defaultViewport: { width: 1400, height: 900 },
});
try {
  const page = await browser.newPage();
  await page.goto("file://" + path.resolve(input), { waitUntil: "load" });
  // Wrap long lines like an editor window of this width would, and use a real monospace font.
  await page.addStyleTag({ content: "body, pre { font-family: 'DejaVu Sans Mono', monospace !important; font-size: 15px !important; white-space: pre-wrap !important; }" });
  await page.screenshot({ path: output, fullPage: true });
} finally {
  await browser.close();
}
