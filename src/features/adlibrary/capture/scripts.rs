//! The scripts run in the Ad Library page. Class names are generated and
//! change often, so everything anchors on the visible `Library ID` text.

/// Shared helpers, prepended to each script: `libIdLabels()` lists
/// `[id, element]` for every `Library ID: N` text in document order, `cardOf`
/// climbs from a label to the largest ancestor holding exactly one ad.
const HELPERS: &str = r#"
const RE = /Library ID:?\s*(\d{5,})/;
function libIdLabels() {
  const out = [];
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT,
    { acceptNode: n => n.nodeValue.includes('Library ID') ? 1 : 3 });
  let n;
  while ((n = w.nextNode())) {
    let el = n.parentElement, m = null;
    for (let i = 0; el && i < 3; i++, el = el.parentElement) {
      m = (el.textContent || '').match(RE);
      if (m) break;
    }
    if (m && el) out.push([m[1], el]);
  }
  return out;
}
function countLabels(el) {
  return (el.textContent || '').split('Library ID').length - 1;
}
function cardOf(el) {
  let card = el;
  while (card.parentElement && card.parentElement !== document.body
         && countLabels(card.parentElement) === 1) {
    card = card.parentElement;
  }
  return card;
}
function challenge() {
  const path = location.pathname || '';
  if (/\/(checkpoint|login)/.test(path)) return 'redirected to ' + path;
  if (document.querySelector('iframe[src*="captcha"], #captcha, [id*="captcha" i]')) return 'a captcha is shown';
  const text = ((document.title || '') + '\n' + (document.body ? document.body.innerText : '')).slice(0, 20000);
  const m = text.match(/security check|confirm (that )?you('|’)?re (not a robot|human)|captcha|unusual (traffic|activity)|temporarily blocked|too many requests|rate limit/i);
  return m ? 'challenge page: "' + m[0] + '"' : null;
}
"#;

/// Clicks the cookie banner's accept or essential-only button when present;
/// returns what was clicked or null.
const COOKIES: &str = r#"
const sels = ['[data-cookiebanner="accept_button"]', '[data-cookiebanner="accept_only_essential_button"]',
  '[aria-label="Allow all cookies"]', '[aria-label="Only allow essential cookies"]',
  '[aria-label="Decline optional cookies"]'];
for (const s of sels) {
  const b = document.querySelector(s);
  if (b) { b.click(); return s; }
}
const labels = ['Allow all cookies', 'Only allow essential cookies', 'Decline optional cookies',
  'Accept all', 'Allow essential and optional cookies', 'Разрешить все cookie', 'Alle Cookies erlauben'];
for (const b of document.querySelectorAll('button, [role="button"]')) {
  const t = (b.innerText || '').trim();
  if (labels.includes(t)) { b.click(); return t; }
}
return null;
"#;

/// Scrolls to the bottom and reports the page's state: distinct ids, height,
/// spinner, a challenge, the "~N results" claim, an explicit "no ads".
const SCROLL: &str = r#"
const h = document.documentElement.scrollHeight;
window.scrollTo(0, h);
const ids = new Set(libIdLabels().map(p => p[0]));
const spinner = Array.from(document.querySelectorAll('[data-visualcompletion="loading-state"]'))
  .some(e => e.offsetParent !== null || e.getClientRects().length > 0);
const body = document.body ? document.body.innerText : '';
const rm = body.match(/~?\s*([\d][\d,. ]*)\s+results?\b/i);
const results = rm ? parseInt(rm[1].replace(/[^\d]/g, ''), 10) : null;
const noAds = /no ads match|there are no ads|no results/i.test(body);
return { ids: ids.size, height: h, spinner, challenge: challenge(), results, noAds };
"#;

/// Marks each card (`data-ppc-card`) and returns id, text and platform labels,
/// at most `arguments[0]` cards, unique by id, in page order.
const EXTRACT: &str = r#"
const max = arguments[0];
const seen = new Set();
const out = [];
for (const [id, el] of libIdLabels()) {
  if (seen.has(id) || out.length >= max) continue;
  seen.add(id);
  const card = cardOf(el);
  card.setAttribute('data-ppc-card', id);
  const known = ['Facebook', 'Instagram', 'Messenger', 'Audience Network', 'Threads', 'WhatsApp'];
  const platforms = Array.from(card.querySelectorAll('[aria-label], [alt], [title]'))
    .map(e => e.getAttribute('aria-label') || e.getAttribute('alt') || e.getAttribute('title'))
    .filter(l => known.includes(l));
  out.push({ id, text: (card.innerText || '').slice(0, 4000), platforms: Array.from(new Set(platforms)) });
}
return out;
"#;

/// Hides fixed and sticky elements (headers, banners) so they do not cover
/// the card screenshots; returns how many.
const HIDE_FIXED: &str = r#"
let n = 0;
for (const el of document.querySelectorAll('body *')) {
  const p = getComputedStyle(el).position;
  if (p === 'fixed' || p === 'sticky') { el.style.setProperty('visibility', 'hidden', 'important'); n++; }
}
return n;
"#;

/// Scrolls card `arguments[0]` into view (lazy images load) and returns its
/// rectangle in page coordinates, or null when it is gone.
const CARD_RECT: &str = r#"
const el = document.querySelector('[data-ppc-card="' + arguments[0] + '"]');
if (!el) return null;
el.scrollIntoView({ block: 'start' });
const r = el.getBoundingClientRect();
return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
"#;

fn with_helpers(body: &str) -> String {
    format!("{HELPERS}\n{body}")
}

/// The cookie-banner script.
pub fn cookies() -> String {
    COOKIES.to_string()
}

/// The scroll-and-report script.
pub fn scroll() -> String {
    with_helpers(SCROLL)
}

/// The challenge check alone.
pub fn challenge() -> String {
    with_helpers("return challenge();")
}

/// The card extraction script (argument: max cards).
pub fn extract() -> String {
    with_helpers(EXTRACT)
}

/// The hide-fixed-elements script.
pub fn hide_fixed() -> String {
    HIDE_FIXED.to_string()
}

/// The card rectangle script (argument: Library ID).
pub fn card_rect() -> String {
    CARD_RECT.to_string()
}
