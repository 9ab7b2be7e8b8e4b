// Applies the saved or system colour scheme before first paint. Loaded as a blocking <script src>
// from <head> so it works under a strict CSP (no inline script). Keep it tiny and dependency-free.
/* global window, document */
(function () {
  var KEY = 'engify-theme';
  var root = document.documentElement;
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function stored() {
    try {
      var v = window.localStorage.getItem(KEY);
      return v === 'light' || v === 'dark' ? v : 'system';
    } catch {
      return 'system';
    }
  }
  function apply() {
    var pref = stored();
    var dark = pref === 'dark' || (pref === 'system' && !!media && media.matches);
    root.classList.toggle('dark', dark);
    root.setAttribute('data-theme-preference', pref);
  }
  apply();
  if (media) {
    var onChange = function () {
      if (stored() === 'system') apply();
    };
    if (media.addEventListener) media.addEventListener('change', onChange);
    else if (media.addListener) media.addListener(onChange);
  }
  window.addEventListener('storage', function (e) {
    if (e.key === KEY) apply();
  });
})();
