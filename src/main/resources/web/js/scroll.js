// @ts-check
// The scroll position of each history entry: a page opened by a link starts at the top; Back and Forward return to
// where the page was left, once it has been rebuilt (its content arrives asynchronously, so the browser's own
// restoration would find it empty).

/** @typedef {import('./types.js').ShownPage} ShownPage */

const SCROLL_KEY = 'freight.scroll';
/** @type {Map<string, number>} */
let scrolls = new Map();
/** @type {string|null} */
let entry = null;
/** @type {ReturnType<typeof setTimeout>|undefined} */
let saveTimer;

/** @param {string|null} text */
function readJson(text) {
  try { return JSON.parse(text); } catch (e) { return null; }
}

/** Takes scrolling over from the browser and remembers each entry's position, across a reload too. */
export function startScrollMemory() {
  history.scrollRestoration = 'manual';
  scrolls = new Map(Object.entries(readJson(sessionStorage.getItem(SCROLL_KEY)) || {}));
  window.addEventListener('scroll', rememberScroll, { passive: true });
}

function rememberScroll() {
  if (!entry) return;
  scrolls.set(entry, Math.round(window.scrollY));
  // Kept for a reload too; written when scrolling pauses, and only for the latest entries.
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    const latest = Array.from(scrolls.entries()).slice(-50);
    sessionStorage.setItem(SCROLL_KEY, JSON.stringify(Object.fromEntries(latest)));
  }, 250);
}

/**
 * Tags a new history entry with an id (its scroll position is kept under it); a tagged one is being revisited.
 * @returns {{ revisit: boolean, y: number }}
 */
export function enterHistoryEntry() {
  const known = history.state && history.state.freightEntry;
  entry = known || `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  if (!known) history.replaceState({ ...(history.state || {}), freightEntry: entry }, '');
  return { revisit: !!known, y: scrolls.get(entry) || 0 };
}

/**
 * Scrolls back to y once the page is shown, loading more of its rows first when the list had been scrolled
 * through more pages than the first; gives up when another page has been opened meanwhile.
 * @param {number} y
 * @param {Promise<ShownPage>} shown
 * @param {() => boolean} stillShown
 */
export async function restoreScroll(y, shown, stillShown) {
  let page;
  try {
    page = await shown;
  } catch (e) {
    return;
  }
  const room = () => document.documentElement.scrollHeight - window.innerHeight;
  for (let i = 0; i < 20 && stillShown() && room() < y && page && page.more; i++) {
    if (!(await page.more())) break;
  }
  if (stillShown()) window.scrollTo(0, y);
}
