// The portal's dialogs: a link with hx-get and hx-target pointing at a <dialog>'s
// [data-dialogue-contenu] element gets its content there, and the dialog opens, reading from its
// title (on a phone, focusing the last button would scroll down). Without JavaScript the same
// links open pages of their own. Escape and « Fermer » close it, and the focus goes back to the
// link (the browser's <dialog> does that).
(function () {
  if (window.teleservicesDialogue) return; // htmx's boosted navigation may load the page again
  window.teleservicesDialogue = true;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target.hasAttribute("data-dialogue-contenu")) return;
    var dialog = event.target.closest("dialog");
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    var title = event.target.querySelector("h1, h2, h3");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus();
    }
  });
})();
