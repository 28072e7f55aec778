// Opens the notes' <dialog> once htmx has put a dialog's content in it (teaching team, how an
// average is computed). Without JavaScript the same links open pages of their own.
(function () {
  if (window.notesDialogue) return; // the page may be loaded again by htmx's boosted navigation
  window.notesDialogue = true;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "notes-dialogue-contenu") return;
    var dialog = event.target.closest("dialog");
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // Start reading at the dialog's title, not at its last button (a phone would scroll down).
    var title = event.target.querySelector("h1, h2, h3");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus();
    }
  });
})();
