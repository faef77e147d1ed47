// The little Markdown a hover carries (paragraphs, **bold**, `code`),
// rendered as DOM nodes: text is never parsed as HTML.

function inline(text) {
  const nodes = [];
  const pattern = /\*\*([^*]+)\*\*|`([^`]+)`/g;
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > at) nodes.push(document.createTextNode(text.slice(at, match.index)));
    const element = document.createElement(match[1] !== undefined ? "strong" : "code");
    element.textContent = match[1] ?? match[2];
    nodes.push(element);
    at = match.index + match[0].length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

export function renderMarkdown(markdown) {
  const fragment = document.createDocumentFragment();
  for (const block of markdown.split(/\n{2,}/)) {
    const paragraph = document.createElement("p");
    block.split("\n").forEach((line, index) => {
      if (index > 0) paragraph.append(document.createElement("br"));
      paragraph.append(...inline(line));
    });
    fragment.append(paragraph);
  }
  return fragment;
}
