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
