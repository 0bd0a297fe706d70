// Shop: the script every page loads. The server's clock (countdowns never trust the visitor's clock), the
// countdowns, the account area of pages served from the output cache, local times, and the small helper the
// page scripts use to call the storefront's /bff endpoints.
(function () {
  "use strict";

  // Server time = Date.now() + offset. Seeded from the page's render time, corrected by every stock answer.
  let offset = 0;
  const seed = document.querySelector("[data-server-now]");
  if (seed) {
    const rendered = Date.parse(seed.getAttribute("data-server-now"));
    if (!Number.isNaN(rendered)) offset = rendered - Date.now();
  }

  const clock = {
    now: () => Date.now() + offset,
    // serverTime: ISO time the server wrote; sentAt/receivedAt: Date.now() around the request.
    sync(serverTime, sentAt, receivedAt) {
      const server = Date.parse(serverTime);
      if (!Number.isNaN(server)) offset = server - (sentAt + receivedAt) / 2;
    },
  };

  function pad(n) { return String(n).padStart(2, "0"); }

  // Same format as SaleTiming.FormatRemaining on the server: "2d 03:04:05", "03:04:05", "04:05".
  function formatRemaining(ms) {
    let total = Math.max(0, Math.floor(ms / 1000));
    const days = Math.floor(total / 86400);
    const hours = Math.floor(total / 3600) % 24;
    const minutes = Math.floor(total / 60) % 60;
    const seconds = total % 60;
    if (days > 0) return `${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
    return hours > 0 ? `${pad(hours)}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
  }

  // "upcoming" | "live" | "ended" for a window, at the server's now.
  function phaseOf(startsAt, endsAt, now) {
    if (now >= endsAt) return "ended";
    return now < startsAt ? "upcoming" : "live";
  }

  function tickCountdowns() {
    const now = clock.now();
    document.querySelectorAll("[data-countdown]:not(.countdown-over)").forEach((el) => {
      const starts = Date.parse(el.getAttribute("data-starts-at"));
      const ends = Date.parse(el.getAttribute("data-ends-at"));
      const phase = phaseOf(starts, ends, now);
      const label = el.querySelector("[data-countdown-label]");
      const value = el.querySelector("[data-countdown-value]");
      if (phase === "ended") {
        el.classList.add("countdown-over");
        if (label) label.textContent = "Ended";
        if (value) value.textContent = "";
      } else {
        if (label) label.textContent = phase === "upcoming" ? "Starts in" : "Ends in";
        if (value) value.textContent = formatRemaining((phase === "upcoming" ? starts : ends) - now);
      }
    });
  }

  function signInUrl() {
    return "/signin?returnUrl=" + encodeURIComponent(location.pathname + location.search);
  }

  // fetch for the /bff endpoints: same-origin cookie, the client header the writes require, JSON both ways.
  // Resolves to { status, body, retryAfter, problemType } and never throws: a network failure is status 0.
  async function api(url, options) {
    const init = Object.assign({ method: "GET", credentials: "same-origin", cache: "no-store" }, options || {});
    init.headers = Object.assign({ "X-Shop-Client": "1", Accept: "application/json" }, init.headers || {});
    if (init.json !== undefined) {
      init.body = JSON.stringify(init.json);
      init.headers["Content-Type"] = "application/json";
      delete init.json;
    }
    const sentAt = Date.now();
    try {
      const response = await fetch(url, init);
      let body = null;
      const type = response.headers.get("Content-Type") || "";
      if (type.includes("json")) {
        try { body = await response.json(); } catch { body = null; }
      }
      const retry = parseInt(response.headers.get("Retry-After") || "", 10);
      return {
        status: response.status,
        body,
        retryAfter: Number.isFinite(retry) ? retry : null,
        problemType: body && typeof body.type === "string" ? body.type : null,
        sentAt,
        receivedAt: Date.now(),
      };
    } catch {
      return { status: 0, body: null, retryAfter: null, problemType: null, sentAt, receivedAt: Date.now() };
    }
  }

  // Pages from the output cache are the same for everyone: fill in who is signed in.
  async function fillAccountSlot() {
    const slot = document.querySelector("[data-account-slot]");
    if (!slot) return;
    const answer = await api("/bff/me");
    const me = answer.status === 200 && answer.body ? answer.body : { signedIn: false };
    if (me.serverTime) clock.sync(me.serverTime, answer.sentAt, answer.receivedAt);
    slot.replaceChildren();
    const link = (href, text, cls) => {
      const a = document.createElement("a");
      a.href = href;
      a.textContent = text;
      if (cls) a.className = cls;
      return a;
    };
    if (!me.signedIn) {
      slot.append(link(signInUrl(), "Sign in", "button-link"));
      slot.dataset.signedIn = "false";
      return;
    }
    slot.dataset.signedIn = "true";
    if (me.isAdmin) slot.append(link("/admin", "Admin"));
    slot.append(link("/basket", "Basket"));
    slot.append(link("/orders", "My orders"));
    const user = document.createElement("span");
    user.className = "user";
    user.setAttribute("data-user-name", "");
    user.textContent = me.name;
    slot.append(user);
    const out = document.createElement("button");
    out.type = "button";
    out.className = "link-button";
    out.textContent = "Sign out";
    out.addEventListener("click", async () => {
      out.disabled = true;
      await api("/bff/signout", { method: "POST" });
      location.reload();
    });
    slot.append(out);
  }

  function localTimes() {
    document.querySelectorAll("time[data-local-time]").forEach((el) => {
      const value = Date.parse(el.getAttribute("datetime"));
      if (!Number.isNaN(value)) {
        el.textContent = new Date(value).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
        el.title = el.getAttribute("datetime");
      }
    });
  }

  window.Shop = { clock, formatRemaining, phaseOf, api, signInUrl, tickCountdowns, localTimes };

  document.addEventListener("DOMContentLoaded", () => {
    tickCountdowns();
    setInterval(tickCountdowns, 250);
    localTimes();
    fillAccountSlot();
  });
})();
