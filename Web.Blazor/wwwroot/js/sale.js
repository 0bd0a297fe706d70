// The flash-sale page: keeps the stock and the countdown current (server time from the stock answers) and runs
// the buy button. One Idempotency-Key per purchase attempt: a retry of the same attempt (after "busy" or a
// network failure) sends the same key, so it can never buy twice; the button is disabled while a request is in
// flight, so a double click sends one request.
(function () {
  "use strict";

  const POLL_MS = 2000;
  const SUCCESS_HOLD_MS = 1500;

  function newKey() {
    if (window.crypto && typeof crypto.randomUUID === "function") return crypto.randomUUID();
    // Pages served over plain http on a non-local address have no randomUUID: same format from getRandomValues.
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // The order's number as My orders shows it (Presentation/OrderNumbers.cs): the id's last twelve hex digits,
  // its random part; the first ones are a timestamp that orders of the same minute share.
  function orderNumber(id) {
    const hex = id.replace(/-/g, "").toUpperCase();
    return `${hex.slice(20, 24)}-${hex.slice(24, 28)}-${hex.slice(28, 32)}`;
  }

  document.addEventListener("DOMContentLoaded", () => {
    const root = document.querySelector("[data-sale]");
    if (!root) return;
    const Shop = window.Shop;
    const saleId = root.dataset.saleId;
    const limit = parseInt(root.dataset.limit, 10) || 1;
    const form = root.querySelector("[data-buy-form]");
    const button = root.querySelector("[data-buy-button]");
    const quantity = root.querySelector("[data-quantity]");
    const message = root.querySelector("[data-buy-message]");
    const badge = root.querySelector("[data-sale-status]");
    const remainingEl = root.querySelector("[data-remaining]");
    const bar = root.querySelector("[data-stock-bar]");
    const progress = root.querySelector("[role=progressbar]");

    const state = {
      startsAt: Date.parse(root.dataset.startsAt),
      endsAt: Date.parse(root.dataset.endsAt),
      initial: parseInt(root.dataset.initial, 10) || 0,
      remaining: remainingEl && /^\d+$/.test(remainingEl.textContent.trim()) ? parseInt(remainingEl.textContent, 10) : null,
      cancelled: root.dataset.catalogStatus === "Cancelled",
      ended: false,
      soldOut: false, // told so by a buy answer, until the stock shows units again
      inFlight: false,
      attempt: null, // { key, quantity } of the purchase attempt under way
      cooldownUntil: 0,
      holdUntil: 0,
    };

    function phase() {
      if (state.cancelled) return "cancelled";
      const base = Shop.phaseOf(state.startsAt, state.endsAt, Shop.clock.now());
      if (base === "ended" || state.ended) return "ended";
      if (base === "upcoming") return "upcoming";
      return state.soldOut || state.remaining === 0 ? "soldout" : "live";
    }

    const phaseText = { upcoming: "Upcoming", live: "Live", soldout: "Sold out", ended: "Ended", cancelled: "Cancelled" };
    const buttonText = { upcoming: "Not started yet", live: "Buy now", soldout: "Sold out", ended: "Sale ended", cancelled: "Sale cancelled" };

    function render() {
      const p = phase();
      if (badge) {
        badge.textContent = phaseText[p];
        badge.className = "badge badge-" + p;
        badge.dataset.saleStatus = p;
      }
      root.dataset.phase = p;
      const now = Date.now();
      if (state.inFlight) {
        button.disabled = true;
        button.textContent = "Reserving…";
      } else if (now < state.holdUntil) {
        button.disabled = true;
        button.textContent = "Reserved ✓";
      } else if (now < state.cooldownUntil && p === "live") {
        button.disabled = true;
        button.textContent = `Try again in ${Math.ceil((state.cooldownUntil - now) / 1000)}s`;
      } else {
        button.disabled = p !== "live";
        button.textContent = state.attempt && p === "live" ? "Try again" : buttonText[p];
      }
      button.setAttribute("aria-busy", state.inFlight ? "true" : "false");
    }

    function showStock(remaining, initial) {
      state.remaining = remaining;
      if (initial) state.initial = initial;
      if (remaining > 0) state.soldOut = false;
      if (remainingEl) remainingEl.textContent = String(remaining);
      const percent = state.initial > 0 ? Math.max(0, Math.min(100, Math.round((remaining * 100) / state.initial))) : 0;
      if (bar) bar.style.width = percent + "%";
      if (progress) progress.setAttribute("aria-valuenow", String(remaining));
    }

    // kind: info | success | warning | error; parts: strings and {href, text} links.
    function say(kind, ...parts) {
      message.replaceChildren();
      const box = document.createElement("div");
      box.className = "notice notice-" + kind;
      box.dataset.kind = kind;
      for (const part of parts) {
        if (typeof part === "string") {
          box.append(part);
        } else {
          const a = document.createElement("a");
          a.href = part.href;
          a.textContent = part.text;
          box.append(a);
        }
      }
      message.append(box);
      message.dataset.outcome = kind;
    }

    async function pollStock() {
      const answer = await Shop.api(`/bff/flash-sales/${saleId}/stock`);
      if (answer.status === 200 && answer.body) {
        const s = answer.body;
        Shop.clock.sync(s.serverTime, answer.sentAt, answer.receivedAt);
        state.startsAt = Date.parse(s.startsAt);
        state.endsAt = Date.parse(s.endsAt);
        state.cancelled = state.cancelled || s.status === "Cancelled";
        showStock(s.remaining, s.initial);
        root.dataset.stockLoaded = "true";
      }
      render();
    }

    function cooldown(seconds) {
      state.cooldownUntil = Date.now() + seconds * 1000;
    }

    function handle(answer) {
      const type = answer.problemType || "";
      const detail = answer.body && typeof answer.body.detail === "string" ? answer.body.detail : "";
      switch (true) {
        case answer.status === 202: {
          state.attempt = null;
          state.holdUntil = Date.now() + SUCCESS_HOLD_MS;
          const id = answer.body && answer.body.orderId ? String(answer.body.orderId) : "";
          root.dataset.lastOrderId = id;
          say("success", "Reserved! ", `Your order ${orderNumber(id)} is being confirmed. `, { href: "/orders", text: "See my orders" });
          pollStock();
          return;
        }
        case answer.status === 401:
          say("info", "Please sign in to buy…");
          location.href = Shop.signInUrl();
          return;
        case type.endsWith(":sold-out"): {
          state.attempt = null;
          const only = /Only (\d+) unit/.exec(detail);
          if (only) {
            say("warning", `Only ${only[1]} left: choose a smaller quantity.`);
          } else {
            state.soldOut = true;
            showStock(0);
            say("warning", "Sold out: every unit has found a buyer.");
          }
          return;
        }
        case type.endsWith(":over-limit"): {
          state.attempt = null;
          const more = /take (\d+) more/.exec(detail);
          say("warning", more
            ? `You can buy ${more[1]} more in this sale (limit ${limit} per shopper): choose a smaller quantity.`
            : `You already have the most units one shopper may buy in this sale (limit ${limit}).`,
            " ", { href: "/orders", text: "See my orders" });
          return;
        }
        case type.endsWith(":sale-not-started"):
          state.attempt = null;
          say("info", "The sale hasn't started yet: the button turns on when it does.");
          return;
        case type.endsWith(":sale-ended"):
          state.attempt = null;
          state.ended = true;
          say("warning", "This sale has ended.");
          return;
        case type.endsWith(":sale-cancelled"):
          state.attempt = null;
          state.cancelled = true;
          say("warning", "This sale was cancelled.");
          return;
        case answer.status === 429 || answer.status === 503: {
          // Shed or restoring: the same attempt (same key) may be sent again after Retry-After.
          const seconds = Math.max(1, Math.min(30, answer.retryAfter || 2));
          cooldown(seconds);
          say("warning", `The shop is very busy right now. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`);
          return;
        }
        case answer.status === 0:
          say("error", "We couldn't reach the shop. Check your connection and try again.");
          return;
        case answer.status >= 500:
          // The outcome is unknown: keep the key, so trying again cannot buy twice.
          say("error", "Something went wrong on our side. Please try again.");
          return;
        case type.endsWith(":sale-not-found"):
          state.attempt = null;
          say("warning", "This sale isn't open for orders yet. Please try again in a moment.");
          return;
        default:
          state.attempt = null;
          say("error", "Your order could not be placed. Please try again.");
      }
    }

    async function buy(event) {
      event.preventDefault();
      if (state.inFlight || button.disabled || phase() !== "live" || Date.now() < state.cooldownUntil) return;
      const n = Math.max(1, parseInt(quantity ? quantity.value : "1", 10) || 1);
      if (!state.attempt || state.attempt.quantity !== n) state.attempt = { key: newKey(), quantity: n };
      const attempt = state.attempt;
      state.inFlight = true;
      render(); // disables the button before the request leaves: a second click does nothing
      say("info", "Reserving your units…");
      const answer = await Shop.api(`/bff/flash-sales/${saleId}/orders`, {
        method: "POST",
        json: { quantity: attempt.quantity },
        headers: { "Idempotency-Key": attempt.key },
      });
      state.inFlight = false;
      handle(answer);
      render();
    }

    form.addEventListener("submit", buy);
    if (quantity) quantity.addEventListener("change", render);
    render();
    pollStock();
    setInterval(() => { if (!document.hidden) pollStock(); }, POLL_MS);
    setInterval(render, 250); // phase changes on time (start, end), cooldowns count down
  });
})();
