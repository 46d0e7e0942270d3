// The query page: example tabs, running a query through the protocol, a results table.
// Plain JavaScript on purpose: the server must work without any CDN or network access.
(function () {
  "use strict";
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const notice = document.getElementById("notice");
  const results = document.getElementById("results");
  const tabs = Array.from(document.querySelectorAll(".tab"));
  // The server's one prefix map (cytoowl.vocab), so links agree with the term pages.
  const PREFIXES = JSON.parse(document.getElementById("prefix-data").textContent);
  const TERM = PREFIXES.CYTO;

  function choose(index) {
    tabs.forEach((t, i) => t.classList.toggle("active", i === index));
    textarea.value = examples[index].query;
    document.getElementById("example-description").textContent = examples[index].description;
  }
  tabs.forEach((tab, i) => tab.addEventListener("click", () => choose(i)));
  if (examples.length) choose(0);

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = term.value.startsWith(TERM) ? "/" + term.value.slice(TERM.length - 5) : term.value;
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.value + (term["xml:lang"] ? "@" + term["xml:lang"] : "");
    }
    return td;
  }

  function table(data) {
    const t = document.createElement("table");
    t.id = "results-table";
    if ("boolean" in data) { t.insertRow().insertCell().textContent = String(data.boolean); return t; }
    const head = t.insertRow();
    data.head.vars.forEach((v) => { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); });
    data.results.bindings.forEach((b) => {
      const tr = t.insertRow();
      data.head.vars.forEach((v) => tr.appendChild(cell(b[v])));
    });
    return t;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorBox.hidden = true; notice.hidden = true; results.textContent = "";
    status.textContent = "running…";
    const started = performance.now();
    try {
      const response = await fetch("/sparql", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Accept": "application/sparql-results+json,text/turtle",
        },
        body: new URLSearchParams({ query: textarea.value }),
      });
      const ms = Math.round(performance.now() - started);
      if (!response.ok) {
        status.textContent = "";
        errorBox.textContent = response.status + ": " + (await response.text());
        errorBox.hidden = false;
        return;
      }
      const rows = response.headers.get("X-SPARQL-Rows");
      status.textContent = rows + " result(s) in " + ms + " ms";
      if (response.headers.get("X-SPARQL-Truncated")) {
        notice.textContent = "Results truncated at the row limit of " +
          response.headers.get("X-SPARQL-Row-Limit") + " rows; add LIMIT/OFFSET to page.";
        notice.hidden = false;
      }
      if ((response.headers.get("Content-Type") || "").startsWith("text/turtle")) {
        const pre = document.createElement("pre");
        pre.className = "graph"; pre.id = "results-graph";
        pre.textContent = await response.text();
        results.appendChild(pre);
      } else {
        results.appendChild(table(await response.json()));
      }
    } catch (e) {
      status.textContent = "";
      errorBox.textContent = "request failed: " + e;
      errorBox.hidden = false;
    }
  });
})();
