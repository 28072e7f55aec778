// Opens the notes' <dialog> once htmx has put a dialog's content in it (teaching team, how an
// average is computed). Without JavaScript the same links open pages of their own.
(function () {
  if (window.notesDialogue) return; // the page may be loaded again by htmx's boosted navigation
  window.notesDialogue = true;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id !== "notes-dialogue-contenu") return;
    var dialog = event.target.closest("dialog");
    if (dialog && !dialog.open) dialog.showModal();
  });
})();
