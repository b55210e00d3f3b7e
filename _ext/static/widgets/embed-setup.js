// Loaded between require.js and the ipywidgets embed manager (embed-amd.js),
// only on pages that show live widget views. Two things the manager assumes
// about its environment do not hold in this book, and are set right here.
(function () {
  // 1. The manager fetches its Font Awesome files relative to its own AMD
  //    module URL, which require.js would place under the *page's* folder.
  //    Map the module's folder to where the book serves the manager.
  var root = document.documentElement.dataset.content_root || "./";
  var here = new URL(root + "_static/widgets", document.baseURI).href;
  require.config({ paths: { "@jupyter-widgets/html-manager/dist": here } });

  // 2. Widget labels are typeset through the MathJax 2 API,
  //    MathJax.Hub.Queue(["Typeset", MathJax.Hub, element]). The book loads
  //    MathJax 3, which has no Hub. Until MathJax 3 is ready, `window.MathJax`
  //    is its configuration object; queue typesetting requests there and hand
  //    them to MathJax 3's typesetPromise once it has started.
  var pending = [];
  function typesetLater(element) {
    if (window.MathJax && window.MathJax.typesetPromise) {
      window.MathJax.typesetPromise([element]);
    } else {
      pending.push(element);
    }
  }
  var hub = {
    Queue: function () {
      for (var i = 0; i < arguments.length; i++) {
        var job = arguments[i];
        if (Array.isArray(job) && job[0] === "Typeset") typesetLater(job[2]);
        else if (typeof job === "function") job();
      }
    },
  };
  var config = (window.MathJax = window.MathJax || {});
  config.Hub = hub;
  // Widget labels write inline math as $...$, as Jupyter does; MathJax 3
  // only knows \(...\) unless told (code blocks are never scanned).
  config.tex = config.tex || {};
  config.tex.inlineMath = [["$", "$"], ["\\(", "\\)"]];
  config.tex.processEscapes = true;
  var startup = (config.startup = config.startup || {});
  var ready = startup.ready;
  startup.ready = function () {
    if (ready) ready();
    else window.MathJax.startup.defaultReady();
    window.MathJax.Hub = hub;
    window.MathJax.startup.promise.then(function () {
      if (pending.length) window.MathJax.typesetPromise(pending.splice(0));
    });
  };
})();
