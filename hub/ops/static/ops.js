// The operator page refreshes its figures in place: every few seconds it fetches the same page again and swaps
// the content of the element marked data-aktualisieren for the fresh one, leaving the search field (and what is
// typed there) alone. When the page comes back without that element because the session ended, it is loaded
// whole (and so shows the login); when the hub does not answer, the last figures stay, marked as old.
"use strict";
(function () {
  const region = document.querySelector("[data-aktualisieren]");
  if (!region) {
    return;
  }
  const seconds = Math.max(2, Number(region.dataset.aktualisieren) || 15);

  async function refresh() {
    try {
      const reply = await fetch(window.location.href, {credentials: "same-origin", cache: "no-store"});
      const page = new DOMParser().parseFromString(await reply.text(), "text/html");
      const fresh = page.getElementById(region.id);
      if (reply.ok && fresh) {
        region.replaceChildren(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
        region.classList.remove("veraltet");
      } else if (reply.redirected || reply.status === 401 || reply.status === 403) {
        window.location.reload();
        return;
      } else {
        region.classList.add("veraltet");
      }
    } catch (error) {
      region.classList.add("veraltet");
    }
    window.setTimeout(refresh, seconds * 1000);
  }

  window.setTimeout(refresh, seconds * 1000);
}());
