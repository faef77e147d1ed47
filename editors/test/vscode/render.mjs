// Renders an HTML page (the Neovim pane captured by run.sh) to a PNG with
// headless Chromium, cropped to its <pre>.
//   node render.mjs in.html out.png
import path from "node:path";
import puppeteer from "puppeteer-core";

const [input, output] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  defaultViewport: { width: 1600, height: 1000, deviceScaleFactor: 1 },
});
try {
  const page = await browser.newPage();
  await page.goto("file://" + path.resolve(input), { waitUntil: "load" });
  const pre = await page.$("pre");
  if (pre) {
    await pre.screenshot({ path: output });
  } else {
    await page.screenshot({ path: output, fullPage: true });
  }
} finally {
  await browser.close();
}
