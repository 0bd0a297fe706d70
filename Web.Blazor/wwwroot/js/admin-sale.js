// Admin: a sale, live. Polls /bff/admin/flash-sales/{id}/live every second: the gate's stock and the
// reconciliation report (sold, in flight, releasing, persisted, holds, shoppers over the limit).
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-live-sale]");
    if (!root) return;
    const saleId = root.dataset.liveSale;
    const field = (name) => root.querySelector(`[data-live="${name}"]`);
    const set = (name, value) => { const el = field(name); if (el) el.textContent = value === null || value === undefined ? "–" : String(value); };

    async function refresh() {
      const answer = await window.Shop.api(`/bff/admin/flash-sales/${saleId}/live`);
      const error = field("error");
      if (answer.status === 401) { location.href = window.Shop.signInUrl(); return; }
      if (answer.status !== 200 || !answer.body) {
        error.hidden = false;
        error.textContent = "The live figures are unavailable right now; retrying…";
        return;
      }
      const { stock, reconciliation: r, stockError, reconciliationError } = answer.body;
      set("remaining", stock ? stock.remaining : null);
      if (r) {
        set("sold", r.sold);
        set("persisted", r.sold);
        set("inFlight", r.inFlight);
        set("releasing", r.releasing);
        set("initial", r.initial);
        set("overLimit", r.buyersOverLimit.length === 0 ? "none" : r.buyersOverLimit.map((b) => `${b.buyerId} (${b.units})`).join(", "));
        set("checkedAt", new Date(Date.parse(r.checkedAt)).toLocaleTimeString());
        const holds = field("holds");
        holds.textContent = r.holds ? "Holds" : "Violated";
        holds.className = "badge " + (r.holds ? "badge-live" : "badge-cancelled");
      }
      const problems = [stockError, reconciliationError].filter(Boolean);
      error.hidden = problems.length === 0;
      error.textContent = problems.join(" ");
      root.dataset.loaded = "true";
    }

    refresh();
    setInterval(() => { if (!document.hidden) refresh(); }, 1000);
  });
})();
