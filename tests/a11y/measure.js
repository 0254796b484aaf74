// Shows each document of #qg-docs in the iframe in turn and measures what a reader meets:
// boxes past the right edge, words whose letters sit on two lines, the lowest text contrast,
// links and controls that the keyboard cannot reach or that show no focus; and, when asked,
// runs axe-core in the document. Results go to #qg-out as JSON (read by browser.py).
const docs = JSON.parse(document.getElementById('qg-docs').textContent);
const frame = document.getElementById('qg-view');

function load(text) {  // written, not loaded: no network, no load event to wait for
  const doc = frame.contentDocument;
  doc.open(); doc.write(text); doc.close();
  return Promise.resolve(frame.contentDocument);
}
function rgba(c) {
  const v = (c.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
  return [v[0], v[1], v[2], v.length > 3 ? v[3] : 1];
}
function over(top, under) {  // `top` (with alpha) composited over an opaque `under`
  const a = top[3];
  return [0, 1, 2].map(i => top[i] * a + under[i] * (1 - a));
}
function lum(c) {
  return c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
}
function contrast(a, b) {
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}
function background(win, el) {  // the opaque colour behind `el`: its and its ancestors' backgrounds
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const c = rgba(win.getComputedStyle(e).backgroundColor);
    if (c[3] > 0) layers.push(c);
    if (c[3] >= 1) break;
  }
  let base = [255, 255, 255];  // the canvas
  for (const c of layers.reverse()) base = over(c, base);
  return base;
}
function seen(win, el, bg) {  // the text colour on screen, faded by every opacity up to the root
  let alpha = 1;
  for (let e = el; e; e = e.parentElement) alpha *= Number(win.getComputedStyle(e).opacity);
  const c = rgba(win.getComputedStyle(el).color);
  return over([c[0], c[1], c[2], c[3] * alpha], bg);
}
function textNodes(doc) {
  const out = [];
  const walk = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.data.trim() && !['SCRIPT', 'STYLE'].includes(n.parentElement.tagName)) out.push(n);
  }
  return out;
}
function lowestContrast(doc, win) {
  let worst = [99, ''];
  for (const n of textNodes(doc)) {
    const el = n.parentElement;
    const r = el.getBoundingClientRect();
    if (!r.width || win.getComputedStyle(el).visibility === 'hidden') continue;
    const bg = background(win, el);
    const ratio = contrast(seen(win, el, bg), bg);
    if (ratio < worst[0]) worst = [Math.round(ratio * 100) / 100, n.data.trim().slice(0, 40)];
  }
  return worst;
}
function lineWidth(el) {  // the width of the lines `el`'s text is set in: its block's content box
  let b = el;
  while (b.parentElement && getComputedStyle(b).display.startsWith('inline')) b = b.parentElement;
  const s = getComputedStyle(b);
  return b.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
}
function broken(doc) {  // words (runs without spaces) set on two lines, not after a hyphen or dash
  const out = [];
  for (const node of textNodes(doc)) {
    const re = /\S+/g; let m;
    while ((m = re.exec(node.data))) {
      const range = doc.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (new Set(rects.map(r => Math.round(r.top))).size < 2) continue;
      // Only a word wider than its whole line may be broken anywhere (overflow-wrap: break-word),
      // and only a long one (a URL, code): a squeezed table cell never excuses "Lithua|nia".
      const wide = rects.reduce((s, r) => s + r.width, 0) >= lineWidth(node.parentElement) - 1;
      if (wide && m[0].length > 15) continue;
      let top = null;
      for (let i = 0; i < m[0].length; i++) {
        range.setStart(node, m.index + i); range.setEnd(node, m.index + i + 1);
        const r = range.getClientRects()[0];
        if (!r) continue;
        const t = Math.round(r.top);
        if (top !== null && t > top + 2 && !/[\-\u2010\u2013\u2014\/]/.test(m[0][i - 1])) { out.push(m[0]); break; }
        top = t;
      }
    }
  }
  return out;
}
function overflow(doc) {
  const width = doc.documentElement.clientWidth;
  const out = [];
  if (doc.documentElement.scrollWidth > width) out.push('page scrolls sideways: ' + doc.documentElement.scrollWidth);
  for (const el of doc.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && (r.right > width + 0.5 || r.left < -0.5)) out.push(el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth && getComputedStyle(el).overflowX !== 'visible') out.push(el.tagName + '.' + el.className + ' clips its content');
  }
  return out.slice(0, 5);
}
function focus(doc, win) {  // every link and control: in the tab order, focusable, focus shown
  const out = [];
  const all = doc.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex], [contenteditable]');
  for (const el of all) {
    const what = el.tagName + ' ' + (el.textContent || '').trim().slice(0, 30);
    if (el.tabIndex > 0) out.push(what + ': tabindex ' + el.tabIndex + ' breaks the reading order');
    if (el.tabIndex < 0) { out.push(what + ': not in the tab order'); continue; }
    el.focus({focusVisible: true});
    if (doc.activeElement !== el) { out.push(what + ': cannot take the focus'); continue; }
    const s = win.getComputedStyle(el);
    if ((s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0) && s.boxShadow === 'none') out.push(what + ': no visible focus');
    el.blur();
  }
  return {count: all.length, problems: out};
}
(async () => {
  const out = {};
  try {
    for (const [name, text] of Object.entries(docs)) {
      const doc = await load(text);
      const win = frame.contentWindow;
      const r = {overflow: overflow(doc), broken: broken(doc), contrast: lowestContrast(doc, win), focus: focus(doc, win)};
      if (CONFIG.axe) {
        await new Promise((done, fail) => {
          const tag = doc.createElement('script');
          tag.onload = done; tag.onerror = () => fail(new Error('cannot load ' + CONFIG.axeUrl));
          tag.src = CONFIG.axeUrl;
          doc.head.appendChild(tag);
        });
        const rules = Object.fromEntries(CONFIG.skip.map(id => [id, {enabled: false}]));
        const res = await win.axe.run(doc.documentElement, {runOnly: {type: 'tag', values: CONFIG.tags}, rules, resultTypes: ['violations']});
        r.axe = res.violations.map(v => v.id + ': ' + v.help + ' [' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ') + ']');
      }
      out[name] = r;
    }
  } catch (e) { out.error = String(e) + ' ' + e.stack; }
  document.getElementById('qg-out').textContent = JSON.stringify(out);
})();
