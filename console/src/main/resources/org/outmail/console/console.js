// outmail console: tabs, fields that follow the type and the protocol, confirmation of Delete.
// Served as a file of its own: the Content-Security-Policy allows no inline script.
'use strict';
document.addEventListener('DOMContentLoaded', function () {
  document.body.classList.add('js');

  // Validate: on to the provider, or back from it with the session's cookie (a same-site navigation)
  var go = document.querySelector('a[data-go]');
  if (go) { window.location.assign(go.href); return; }

  document.querySelectorAll('form[data-confirm]').forEach(function (f) {
    f.addEventListener('submit', function (e) {
      if (!window.confirm(f.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  });

  // the outbox's pages reload themselves, unless the administrator is typing in them
  var refresh = document.querySelector('[data-refresh]');
  if (refresh) {
    var search = document.getElementById('search');
    window.setInterval(function () {
      var a = document.activeElement;
      if (a && (a.tagName === 'INPUT' || a.tagName === 'SELECT' || a.tagName === 'TEXTAREA')) { return; }
      if (search && search.value !== search.defaultValue) { return; }
      window.location.reload();
    }, 1000 * parseInt(refresh.getAttribute('data-refresh'), 10));
  }

  var form = document.getElementById('mailbox-form');
  if (!form) { return; }

  function showTab(id) {
    form.querySelectorAll('[data-tab]').forEach(function (b) {
      b.classList.toggle('active', b.getAttribute('data-tab') === id);
    });
    form.querySelectorAll('[data-tab-panel]').forEach(function (p) {
      p.classList.toggle('inactive', p.getAttribute('data-tab-panel') !== id);
    });
  }
  form.querySelectorAll('[data-tab]').forEach(function (b) {
    b.addEventListener('click', function () { showTab(b.getAttribute('data-tab')); });
  });
  showTab(form.getAttribute('data-active-tab') || 'general');

  var type = form.querySelector('select[name=type]');
  var protocol = form.querySelector('select[name=protocol]');
  function follow() {
    var t = type ? type.value : 'OUT';
    var p = protocol ? protocol.value : '';
    form.querySelectorAll('[data-types]').forEach(function (el) {
      var types = el.getAttribute('data-types').split(' ');
      var protocols = el.hasAttribute('data-protocols') ? el.getAttribute('data-protocols').split(' ') : null;
      el.hidden = types.indexOf(t) < 0 || (t === 'OUT' && protocols !== null && protocols.indexOf(p) < 0);
    });
    // an SMTP mailbox logs in with its password or through an OAuth client: the other one's field hides
    var auth = form.querySelector('select[name=auth]');
    var authShown = auth && auth.closest('[hidden]') === null;
    form.querySelectorAll('[data-auth]').forEach(function (el) {
      if (authShown && el.getAttribute('data-auth') !== auth.value) { el.hidden = true; }
    });
    // what is hidden is not sent: the server keeps only what applies anyway
    form.querySelectorAll('input, select, textarea').forEach(function (i) {
      if (i.name !== '_csrf') { i.disabled = i.closest('[hidden]') !== null; }
    });
  }
  if (type) { type.addEventListener('change', follow); }
  if (protocol) { protocol.addEventListener('change', follow); }
  var authChoice = form.querySelector('select[name=auth]');
  if (authChoice) { authChoice.addEventListener('change', follow); }
  follow();
});
