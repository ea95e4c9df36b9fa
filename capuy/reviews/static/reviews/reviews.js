// Review pages: search in the 27-manifestations picker (with or without diacritics) and the
// count of what is linked. Attached with data-* attributes; works for rows swapped by htmx.
(function () {
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.addEventListener("input", function (evt) {
    var box = evt.target.closest("[data-manif-search]");
    if (!box) return;
    var list = document.getElementById(box.getAttribute("data-manif-search"));
    if (!list) return;
    var words = fold(box.value).split(/\s+/).filter(Boolean);
    list.querySelectorAll("[data-manif-item]").forEach(function (item) {
      var text = item.getAttribute("data-manif-text");
      var show = words.every(function (w) { return text.indexOf(w) !== -1; });
      item.hidden = !show;
    });
  });
  function recount(picker) {
    var count = picker.querySelectorAll("input[type=checkbox]:checked").length;
    var extra = picker.querySelector("textarea");
    if (extra && extra.value.trim()) count += 1;
    var badge = document.getElementById(picker.getAttribute("data-manif-picker"));
    if (badge) badge.textContent = count;
  }
  document.addEventListener("change", function (evt) {
    var picker = evt.target.closest("[data-manif-picker]");
    if (picker) recount(picker);
  });
  document.addEventListener("input", function (evt) {
    var picker = evt.target.closest("[data-manif-picker]");
    if (picker && evt.target.tagName === "TEXTAREA") recount(picker);
  });
  function foldTexts(root) {
    root.querySelectorAll("[data-manif-item]").forEach(function (item) {
      if (!item.hasAttribute("data-manif-text")) item.setAttribute("data-manif-text", fold(item.textContent));
    });
  }
  document.addEventListener("DOMContentLoaded", function () { foldTexts(document); });
  document.addEventListener("htmx:afterSwap", function (evt) { foldTexts(evt.target); });
})();
