// Site-wide behaviour that pages ask for with data attributes. The Content-Security-Policy
// (settings.CONTENT_SECURITY_POLICY) runs scripts from our static files only, so no page may
// carry an inline <script> or an on…= event handler; they declare what they need here.

// <a href="#" data-zt-print>: print the page.
document.addEventListener("click", function (event) {
  var trigger = event.target.closest("[data-zt-print]");
  if (trigger) {
    event.preventDefault();
    window.print();
  }
});

// A changed form field announces itself to htmx by name: the form gets the event
// "zt-changed-<field name>", so a fragment can reload when one field changes with
// hx-trigger="zt-changed-category_id from:#intake-form". htmx's own event filters
// (change[target.name=='…']) are code that htmx evaluates, which the policy forbids.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.name && field.form) {
    field.form.dispatchEvent(new CustomEvent("zt-changed-" + field.name, { bubbles: false }));
  }
});

// <input type="file" data-zt-file-names="未选择文件">: show the chosen files' names in the
// .zt-file-names element beside it (the browser's own text follows its language).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.matches || !input.matches("input[type=file][data-zt-file-names]")) return;
  var out = input.parentElement.querySelector(".zt-file-names");
  if (!out) return;
  var names = Array.from(input.files).map(function (f) { return f.name; });
  out.textContent = names.join("、") || input.getAttribute("data-zt-file-names");
});
