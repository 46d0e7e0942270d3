// The query page with YASGUI's editor (Yasqe: SPARQL highlighting, prefix completion from
// the server's one prefix map) and results view (Yasr: a table), served from this server
// (scripts/assets.sh vendors it; without it the page uses query.js). Example tabs as before;
// cytoowl term IRIs link to their pages here; downloads re-run the query as CSV or JSON.
(function () {
  "use strict";
  const Yasqe = window.Yasgui.Yasqe;
  const Yasr = window.Yasgui.Yasr;
  const examples = JSON.parse(document.getElementById("example-data").textContent);
  const PREFIXES = JSON.parse(document.getElementById("prefix-data").textContent);
  const TERM = PREFIXES.CYTO;
  const form = document.getElementById("query-form");
  const textarea = document.getElementById("query");
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const notice = document.getElementById("notice");
  const tabs = Array.from(document.querySelectorAll(".tab"));
  textarea.hidden = true;

  const yasqe = new Yasqe(document.getElementById("yasqe-host"), {
    value: textarea.value,
    persistenceId: null, // the examples, not yesterday's query, open the page
    showQueryButton: false,
    resizeable: true,
    // Completion needs no network: prefixes from the server's map, no LOV look-ups.
    autocompleters: ["prefixes", "variables"],
    prefixCcApi: "data:application/json," + encodeURIComponent(JSON.stringify(PREFIXES)),
    requestConfig: {
      endpoint: "/sparql",
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle",
    },
  });
  window.cytoowlYasqe = yasqe; // for tests and the console
  const yasr = new Yasr(document.getElementById("results"), {
    persistenceId: null,
    prefixes: PREFIXES,
    pluginOrder: ["table", "response"],
    defaultPlugin: "table",
  });

  function choose(index) {
    tabs.forEach((t, i) => t.classList.toggle("active", i === index));
    yasqe.setValue(examples[index].query);
    document.getElementById("example-description").textContent = examples[index].description;
  }
  tabs.forEach((tab, i) => tab.addEventListener("click", () => choose(i)));
  if (examples.length) choose(0);

  // Term IRIs open the term page on this server (Yasr links every IRI to itself).
  function localise(root) {
    root.querySelectorAll('a[href^="' + TERM + '"]').forEach((a) => {
      a.href = "/" + a.getAttribute("href").slice(TERM.length - 5);
      a.removeAttribute("target");
    });
  }
  new MutationObserver(() => localise(document.getElementById("results")))
    .observe(document.getElementById("results"), { childList: true, subtree: true });

  let started = 0;
  yasqe.on("query", () => {
    started = performance.now();
    errorBox.hidden = true; notice.hidden = true;
    status.textContent = "running…";
  });
  // Yasqe passes {ok, status, headers, content} on success and the Error it threw otherwise.
  yasqe.on("queryResponse", (_yasqe, response, duration) => {
    const ms = Math.round(duration || performance.now() - started);
    if (response instanceof Error || !response || !response.ok) {
      status.textContent = "";
      errorBox.textContent = (response && response.message) || "query failed";
      errorBox.hidden = false;
    } else {
      const header = (name) => response.headers && response.headers.get(name);
      status.textContent = (header("X-SPARQL-Rows") || "?") + " result(s) in " + ms + " ms";
      if (header("X-SPARQL-Truncated")) {
        notice.textContent = "Results truncated at the row limit of " + header("X-SPARQL-Row-Limit") +
          " rows; add LIMIT/OFFSET to page.";
        notice.hidden = false;
      }
      ["download-csv", "download-json"].forEach((id) => { document.getElementById(id).disabled = false; });
    }
    yasr.setResponse(response, duration);
  });

  form.addEventListener("submit", (event) => { event.preventDefault(); yasqe.query(); });

  async function download(accept, extension) {
    const response = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": accept },
      body: new URLSearchParams({ query: yasqe.getValue() }),
    });
    if (!response.ok) { errorBox.textContent = response.status + ": " + (await response.text()); errorBox.hidden = false; return; }
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = "cytoowl-results." + extension;
    document.body.appendChild(link); link.click(); link.remove();
  }
  document.getElementById("download-csv").addEventListener("click", () => download("text/csv", "csv"));
  document.getElementById("download-json").addEventListener("click", () => download("application/sparql-results+json", "json"));
})();
