// The search box on every page: suggestions from /api/suggest as you type, arrow keys and
// Enter to pick one (it opens the term's page); Enter without a pick opens /search?q=.
// Plain JavaScript on purpose: the server must work without any CDN or network access.
(function () {
  "use strict";
  const input = document.getElementById("site-search");
  const list = document.getElementById("site-suggestions");
  if (!input || !list) return;
  let items = [];
  let active = -1;
  let timer = null;
  let sequence = 0;

  function close() {
    list.hidden = true; list.textContent = ""; items = []; active = -1;
    input.setAttribute("aria-expanded", "false");
  }

  function mark(index) {
    active = index;
    Array.from(list.children).forEach((li, i) => li.setAttribute("aria-selected", String(i === index)));
  }

  function show(suggestions) {
    list.textContent = ""; items = suggestions; active = -1;
    if (!suggestions.length) { close(); return; }
    suggestions.forEach((s, i) => {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = "suggestion-" + i;
      li.dataset.href = s.href;
      const label = document.createElement("strong"); label.textContent = s.label;
      const id = document.createElement("span"); id.className = "id"; id.textContent = s.id;
      const kind = document.createElement("span"); kind.className = "kind"; kind.textContent = s.type;
      li.append(label, id, kind);
      if (s.matched.field !== "label") {
        const why = document.createElement("span"); why.className = "why";
        why.textContent = s.matched.field + ": " + s.matched.text;
        li.appendChild(why);
      }
      li.addEventListener("mousedown", (e) => { e.preventDefault(); go(i); });
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  // Only this server's paths and http(s) IRIs are followed, whatever a suggestion holds
  // (the server sends no other links; this guards the page against one that did).
  function safeHref(href) {
    if (typeof href !== "string") return null;
    return /^\/(?!\/)/.test(href) || /^https?:\/\//i.test(href) ? href : null;
  }

  function go(index) {
    const s = items[index];
    if (s && safeHref(s.href)) window.location.href = safeHref(s.href);
  }

  async function fetchSuggestions() {
    const q = input.value.trim();
    if (!q) { close(); return; }
    const mine = ++sequence;
    try {
      const response = await fetch("/api/suggest?limit=10&q=" + encodeURIComponent(q));
      if (!response.ok || mine !== sequence) return;
      show((await response.json()).suggestions);
    } catch (e) { close(); }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(fetchSuggestions, 120); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" && items.length) { e.preventDefault(); mark((active + 1) % items.length); }
    else if (e.key === "ArrowUp" && items.length) { e.preventDefault(); mark((active - 1 + items.length) % items.length); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); go(active); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
})();
