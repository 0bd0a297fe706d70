// My orders: statuses update live (pending → confirmed → paid / expired / cancelled) by polling /bff/orders
// while an order can still change; Pay and Cancel call /bff/orders/{id}/pay|cancel and update the row in place
// (without script, the same buttons are plain form posts).
(function () {
  "use strict";

  const labels = { pending: "Pending", confirmed: "Confirmed", paid: "Paid", expired: "Expired", cancelled: "Cancelled" };
  const explanations = {
    pending: "Reserved: being confirmed…",
    confirmed: "Confirmed: pay before it expires.",
    paid: "Paid. Thank you!",
    expired: "Not paid in time: the units went back on sale.",
    cancelled: "Cancelled: the units went back on sale.",
  };
  const open = (status) => status === "pending" || status === "confirmed";

  document.addEventListener("DOMContentLoaded", () => {
    const list = document.querySelector("[data-orders]");
    const message = document.querySelector("[data-orders-message]");
    const Shop = window.Shop;

    function say(kind, text) {
      if (!message) return;
      message.replaceChildren();
      const box = document.createElement("div");
      box.className = "notice notice-" + kind;
      box.textContent = text;
      message.append(box);
    }

    function row(orderId) {
      return list ? list.querySelector(`[data-order-id="${CSS.escape(orderId)}"]`) : null;
    }

    function update(order) {
      const li = row(String(order.orderId));
      if (!li) return false;
      const status = String(order.status).toLowerCase();
      if (li.dataset.orderStatus === status) return true;
      li.dataset.orderStatus = status;
      const badge = li.querySelector("[data-order-status-label]");
      if (badge) {
        badge.textContent = labels[status] || status;
        badge.className = "badge badge-order-" + status;
      }
      const explanation = li.querySelector("[data-order-explanation]");
      if (explanation) {
        explanation.replaceChildren(explanations[status] || "");
        if (status === "confirmed" && order.expiresAt) {
          const by = new Date(Date.parse(order.expiresAt)).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
          explanation.append(` Pay by ${by}.`);
        }
      }
      li.querySelectorAll("[data-order-action]").forEach((f) => { f.hidden = status !== "confirmed"; });
      return true;
    }

    async function refresh() {
      const answer = await Shop.api("/bff/orders");
      if (answer.status === 401) {
        location.href = Shop.signInUrl();
        return;
      }
      if (answer.status !== 200 || !Array.isArray(answer.body)) return;
      let unknown = false;
      for (const order of answer.body) {
        if (!update(order)) unknown = true;
      }
      // An order placed since this page was rendered (another tab): show it.
      if (unknown && list) location.reload();
    }

    function anyOpen() {
      return list && Array.from(list.querySelectorAll("[data-order-status]")).some((li) => open(li.dataset.orderStatus));
    }

    if (list) {
      list.addEventListener("submit", async (event) => {
        const form = event.target.closest("[data-order-action]");
        if (!form) return;
        event.preventDefault();
        const li = form.closest("[data-order-id]");
        const action = form.dataset.orderAction;
        const buttons = li.querySelectorAll("button");
        buttons.forEach((b) => { b.disabled = true; });
        const answer = await Shop.api(`/bff/orders/${li.dataset.orderId}/${action}`, { method: "POST" });
        buttons.forEach((b) => { b.disabled = false; });
        const type = answer.problemType || "";
        if (answer.status === 200 && answer.body) {
          update(answer.body);
          say("success", action === "pay" ? "Thank you! Your order is paid." : "Your order is cancelled and its units are back on sale.");
        } else if (answer.status === 401) {
          location.href = Shop.signInUrl();
        } else if (type.endsWith(":order-not-confirmed")) {
          say("warning", "This order is still being confirmed: try again in a moment.");
        } else if (type.endsWith(":order-closed")) {
          say("warning", "This order can no longer be changed (it is paid, expired or cancelled).");
          refresh();
        } else if (answer.status === 0) {
          say("error", "We couldn't reach the shop. Check your connection and try again.");
        } else {
          say("error", "The order could not be changed right now. Please try again in a few seconds.");
        }
      });
    }

    // Quick while something is being confirmed, slower while orders only wait for payment or expiry.
    async function loop() {
      if (!document.hidden && anyOpen()) await refresh();
      const pending = list && list.querySelector('[data-order-status="pending"]');
      setTimeout(loop, pending ? 1000 : 5000);
    }
    if (list) setTimeout(loop, 1000);
  });
})();
