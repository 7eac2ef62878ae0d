// The Django admin, for a screen reader: Django's two-box filter (SelectFilter2.js) names its
// search box by an aria-label on a plain <span>, which ARIA does not allow (a generic element
// cannot be named); as an image the span may carry the name and the box is named by it.
(function () {
  "use strict";
  if (typeof window.SelectFilter === "undefined") return;
  const init = window.SelectFilter.init;
  window.SelectFilter.init = function () {
    const result = init.apply(this, arguments);
    for (const icon of document.querySelectorAll(".search-label-icon[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
    return result;
  };
})();
