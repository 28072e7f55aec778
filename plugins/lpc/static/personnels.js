// The LPC's staff page: « Compétence validée » newly ticked shows the school's day in its empty
// date field (the server saves that day for an empty date anyway); unticked again, the date it
// filled goes. Listens on the document, so that grids htmx swaps in need nothing more.
if (!window.lpcDateDuJour) {
  window.lpcDateDuJour = true;
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.dataset.date) return;
    const date = document.getElementById(box.dataset.date);
    if (!date) return;
    if (box.checked && !date.value) {
      date.value = box.dataset.aujourdhui;
      date.dataset.auto = "1";
    } else if (!box.checked && date.dataset.auto) {
      date.value = "";
      delete date.dataset.auto;
    }
  });
}
