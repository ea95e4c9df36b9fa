// The one-screen record of a meeting (journey 1): add attendees picked from the live search,
// add concern blocks, show the fields each handling needs, fill due dates with one tap.
// Attached by data-* attributes through event delegation, so htmx re-renders need no rebinding.
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function formatDate(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }
  function recordForm() { return document.getElementById("record-form"); }

  function syncReceivers() {
    var form = recordForm();
    if (!form) return;
    var people = [];
    form.querySelectorAll("[data-person]").forEach(function (el) {
      if (!people.some(function (p) { return p[0] === el.dataset.person; })) {
        people.push([el.dataset.person, el.dataset.name]);
      }
    });
    form.querySelectorAll("select[data-received-by]").forEach(function (select) {
      var current = select.value;
      while (select.options.length > 1) select.remove(1);
      people.forEach(function (p) { select.add(new Option(p[1], p[0])); });
      select.value = current;
      if (select.value !== current) select.value = "";
      if (!select.value && people.length === 1) select.value = people[0][0];
    });
    var empty = document.getElementById("attendee-none");
    if (empty) empty.hidden = form.querySelectorAll("#attendee-list [data-row]").length > 0;
  }

  function toggleHandling(block) {
    if (!block) return;
    var status = block.querySelector("select[name$='-status']");
    if (!status) return;
    block.querySelectorAll("[data-show-for]").forEach(function (el) {
      el.hidden = el.dataset.showFor.split(" ").indexOf(status.value) === -1;
    });
  }

  function addAttendee(button) {
    var form = recordForm();
    var id = button.dataset.member;
    var list = document.getElementById("attendee-list");
    var present = list.querySelector('[data-row][data-person="' + id + '"]');
    if (!present) {
      var node = document.getElementById("attendee-template").content.firstElementChild.cloneNode(true);
      node.dataset.person = id;
      node.dataset.name = button.dataset.name;
      node.setAttribute("data-testid", "attendee-" + id);
      node.querySelector("[data-slot=name]").textContent = button.dataset.name;
      node.querySelector("[data-slot=seat]").textContent = button.dataset.seat;
      node.querySelector("input[name=attendee]").value = id;
      node.querySelector("select[data-slot=role]").name = "role-" + id;
      list.appendChild(node);
      present = node;
    }
    var search = form.querySelector("#attendee-search");
    if (search) search.value = "";
    document.getElementById("attendee-results").innerHTML = "";
    syncReceivers();
    present.scrollIntoView({ block: "nearest" });
  }

  function addConcern() {
    var list = document.getElementById("concern-list");
    var next = parseInt(list.dataset.next || "1", 10);
    var html = document.getElementById("concern-template").innerHTML.replace(/__i__/g, String(next));
    list.insertAdjacentHTML("beforeend", html);
    list.dataset.next = String(next + 1);
    var block = list.lastElementChild;
    toggleHandling(block);
    syncReceivers();
    var first = block.querySelector("select, textarea");
    if (first) first.focus();
  }

  function setDue(button) {
    var input = button.closest("[data-row]").querySelector("input[name$='-due_on']");
    var d = new Date();
    var spec = button.dataset.dueIn;
    var n = parseInt(spec, 10);
    if (spec.slice(-1) === "m") d.setMonth(d.getMonth() + n); else d.setDate(d.getDate() + n);
    input.value = formatDate(d);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var el = target.closest("[data-pick-member]");
    if (el) { event.preventDefault(); if (!el.disabled) addAttendee(el); return; }
    el = target.closest("[data-remove-row]");
    if (el) { event.preventDefault(); el.closest("[data-row]").remove(); syncReceivers(); return; }
    el = target.closest("[data-add-concern]");
    if (el) { event.preventDefault(); addConcern(); return; }
    el = target.closest("[data-due-in]");
    if (el) { event.preventDefault(); setDue(el); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("#record-form select[name$='-status']")) {
      toggleHandling(event.target.closest("[data-row]"));
    }
  });

  function init() {
    document.querySelectorAll("#record-form .concern-block").forEach(toggleHandling);
    syncReceivers();
  }
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:afterSettle", init);
})();
