// Stands in for VS Code's acquireVsCodeApi in the test page: records what the view posts,
// keeps setState in sessionStorage (so a reload restores it as VS Code would), and answers
// requests (copyText, saveFile) the way the host does, with a reply carrying the same id.
(function () {
  var posted = (window.__posted = []);
  var acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return {
      postMessage: function (m) {
        posted.push(JSON.parse(JSON.stringify(m)));
        if (m && (m.type === 'copyText' || m.type === 'saveFile')) {
          setTimeout(function () { window.postMessage({ type: 'reply', id: m.id, ok: true, value: null }, '*'); }, 0);
        }
      },
      getState: function () {
        var s = sessionStorage.getItem('vscode-state');
        return s ? JSON.parse(s) : undefined;
      },
      setState: function (s) { sessionStorage.setItem('vscode-state', JSON.stringify(s)); },
    };
  };
})();
