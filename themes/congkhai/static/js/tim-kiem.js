/* congkhai site search (docs/search.md). No dependencies, no request to another host.
   Folds exactly like Rust's crate::text::fold: NFD, drop marks, đ/Đ → d, lower case. */
(function () {
  'use strict';
  var MARK, NONWORD, WORD, L = '\\p{Alphabetic}\\p{N}';
  try {
    MARK = new RegExp('\\p{M}', 'gu');
    NONWORD = new RegExp('[^' + L + ']+', 'u');
    WORD = new RegExp('[' + L + ']+', 'gu');
  } catch (e) { // old browsers: the ranges Vietnamese needs
    MARK = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
    L = '0-9a-z\u00aa-\u024f\u0370-\u03ff\u0400-\u04ff';
    NONWORD = new RegExp('[^' + L + ']+');
    WORD = new RegExp('[' + L + ']+', 'g');
  }
  var PAGE = 10;

  function fold(s) {
    s = String(s).normalize('NFD').replace(MARK, '');
    var out = '';
    for (var c of s) {
      out += c === 'đ' || c === 'Đ' ? 'd' : c.toLowerCase();
    }
    return out;
  }

  function syllables(s) {
    return fold(s).split(NONWORD).filter(Boolean);
  }

  // The shard holding a token: the longest key that is a prefix of it.
  function keyFor(t, keys) {
    var best = null;
    for (var i = 0; i < keys.length; i++) {
      var k = keys[i];
      if (t.lastIndexOf(k, 0) === 0 && (best === null || k.length > best.length)) best = k;
    }
    return best;
  }

  function fileName(k) {
    var s = '';
    for (var c of k) {
      s += /[a-z0-9]/.test(c) ? c : c === ' ' ? '-' : '_' + c.codePointAt(0).toString(16) + '_';
    }
    return s;
  }

  // What a query needs: its words, phrase pairs, and shard keys to download.
  function plan(q, meta) {
    var w = syllables(q).slice(0, 8), keys = meta.k, need = {}, pairs = [], n = w.length;
    function want(t) { var k = keyFor(t, keys); if (k !== null) need[k] = 1; }
    for (var i = 0; i < n; i++) {
      want(w[i]);
      if (i) { pairs.push(w[i - 1] + ' ' + w[i]); want(pairs[i - 1]); }
    }
    if (n && w[n - 1].length > 1) { // prefix of the last syllable: a few more shards
      [w[n - 1], pairs[n - 2]].forEach(function (t) {
        var more = t ? keys.filter(function (k) { return k.lastIndexOf(t, 0) === 0; }) : [];
        if (more.length <= 4) more.forEach(function (k) { need[k] = 1; });
      });
    }
    return { words: w, pairs: pairs, keys: Object.keys(need).sort() };
  }

  // Rank documents. shards: {key: {token: [df, id, w, Δid, w, …]}}.
  function rank(p, meta, shards) {
    var scores = {}, masks = {}, required = 0, w = p.words, n = w.length;
    function list(t) { var s = shards[keyFor(t, meta.k)]; return s && s[t]; }
    function add(l, mult, bits) {
      var idf = Math.log(1 + meta.n / l[0]), id = 0;
      for (var i = 1; i + 1 < l.length; i += 2) {
        id += l[i];
        scores[id] = (scores[id] || 0) + l[i + 1] * idf * mult;
        masks[id] = (masks[id] || 0) | bits;
      }
    }
    function prefixed(pre, skip, mult, bits) {
      for (var k in shards) {
        if (k.lastIndexOf(pre, 0) !== 0 && pre.lastIndexOf(k, 0) !== 0) continue;
        for (var t in shards[k]) {
          if (t !== skip && t.lastIndexOf(pre, 0) === 0 && t.indexOf(' ', pre.length) < 0) add(shards[k][t], mult, bits);
        }
      }
    }
    for (var i = 0; i < n; i++) {
      var l = list(w[i]);
      if (!l || l[0] * 2 + 1 === l.length) required |= 1 << i; // cut lists are optional
      if (l) add(l, 1, 1 << i);
      if (i === n - 1 && w[i].length > 1) prefixed(w[i], w[i], 0.5, 1 << i);
    }
    p.pairs.forEach(function (t, j) {
      var l = list(t), bits = 3 << j;
      if (l) add(l, 2, bits);
      if (j === p.pairs.length - 1 && w[n - 1].length > 1) prefixed(t, t, 1, bits);
    });
    var ids = Object.keys(scores).map(Number), all = ids.filter(function (id) {
      return (masks[id] & required) === required;
    });
    var partial = !all.length && ids.length > 0, res = partial ? ids : all;
    res.sort(function (a, b) { return scores[b] - scores[a] || a - b; });
    return { ids: res, partial: partial };
  }

  // load(path) → Promise of parsed JSON, path relative to /tim-kiem/.
  function search(q, meta, load) {
    var p = plan(q, meta), shards = {};
    if (!p.words.length) return Promise.resolve({ ids: [], partial: false, words: [] });
    return Promise.all(p.keys.map(function (k) {
      return load('index/' + fileName(k) + '.json').then(function (s) { shards[k] = s; });
    })).then(function () {
      var r = rank(p, meta, shards);
      r.words = p.words;
      return r;
    });
  }

  // Documents [path, title, excerpt, section, date] for ids.
  function docs(ids, meta, load) {
    var chunks = {};
    ids.forEach(function (id) { chunks[Math.floor(id / meta.c)] = 1; });
    return Promise.all(Object.keys(chunks).map(function (c) {
      return load('docs/' + c + '.json').then(function (d) { chunks[c] = d; });
    })).then(function () {
      return ids.map(function (id) { return chunks[Math.floor(id / meta.c)][id % meta.c]; });
    });
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return '&#' + c.charCodeAt(0) + ';';
    });
  }

  // Escaped text with the query's syllables in <mark> (last one also as a prefix).
  function highlight(text, words) {
    var chars = Array.from(String(text)), f = '', at = [], i, j;
    for (i = 0; i < chars.length; i++) {
      var c = fold(chars[i]);
      for (j = 0; j < c.length; j++) at.push(i);
      f += c;
    }
    at.push(chars.length);
    var on = [], m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(f))) {
      var t = m[0];
      for (j = 0; j < words.length; j++) {
        var wd = words[j], hit = t === wd ? t.length : j === words.length - 1 && wd.length > 1 && t.lastIndexOf(wd, 0) === 0 ? wd.length : 0;
        if (hit) { for (i = at[m.index]; i < at[m.index + hit]; i++) on[i] = 1; break; }
      }
    }
    var out = '';
    for (i = 0; i < chars.length; i++) {
      if (on[i] && !on[i - 1]) out += '<mark>';
      out += esc(chars[i]);
      if (on[i] && !on[i + 1]) out += '</mark>';
    }
    return out;
  }

  // Common Vietnamese family names (folded), for "does this query look like a person's name?".
  var SURNAMES = ('nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh dao doan ' +
    'trinh truong lam luong luu mai cao ha ta chu quach to la tang vuong kieu ton thai trieu khuat giang ' +
    'tieu diep lai hua quan nong lo au kim mac thach than tong vi hoa phung').split(' ');

  // A query looks like a person's name when it is 2 to 5 words of letters only (no digits)
  // and either starts with a common family name or has every word capitalised
  // ("nguyen van an", "Hà Thị Mai"). Names are never indexed (docs/search.md), so the
  // search page then points to the lists' own name lookups.
  function looksLikeName(q) {
    var raw = String(q).trim().split(/\s+/).filter(Boolean);
    if (raw.length < 2 || raw.length > 5) return false;
    for (var i = 0; i < raw.length; i++) {
      if (!syllables(raw[i]).length || /[0-9]/.test(raw[i]) || syllables(raw[i]).length !== 1) return false;
    }
    var capitalised = raw.every(function (w) { return w.charAt(0) !== w.charAt(0).toLowerCase(); });
    return capitalised || SURNAMES.indexOf(syllables(raw[0])[0]) >= 0;
  }

  function num(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.'); }
  function dmy(d) { return d ? d.slice(8, 10) + '/' + d.slice(5, 7) + '/' + d.slice(0, 4) : ''; }

  function init(root) {
    var $ = function (id) { return document.getElementById(id); };
    var meta = JSON.parse(root.getAttribute('data-index'));
    // Relative to /tim-kiem/, so the index works under any host or base path.
    var base = root.getAttribute('data-base') || './', site = root.getAttribute('data-root') || '../';
    var status = $('tk-status'), list = $('tk-results'), more = $('tk-more'), input = $('tk-q');
    var nojs = $('tk-nojs');
    if (nojs) nojs.hidden = true;
    root.hidden = false;
    var load = function (path) {
      return fetch(base + path + '?v=' + meta.v).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    };
    var q = (new URLSearchParams(location.search).get('q') || '').trim().slice(0, 200);
    input.value = q;
    var head = $('tim-kiem-q');
    if (head) head.value = q;
    if (!q) return;
    status.textContent = 'Đang tìm…';
    // The name hint: the lists' lookups, when the query looks like a name that no result's
    // title contains.
    var hint = $('tk-hint'), hintLists = $('tk-hint-lists');
    function nameHint(titles) {
      var lists = meta.l || [], fq = syllables(q).join(' ');
      if (!hint || !lists.length || !looksLikeName(q)) return;
      if (titles.some(function (t) { return syllables(t).join(' ').indexOf(fq) >= 0; })) return;
      hintLists.innerHTML = lists.map(function (l) {
        return '<li><a href="' + esc(site + l[1] + '#tra-cuu') + '">Tra cứu tên trong: ' + esc(l[0]) + '</a></li>';
      }).join('');
      hint.hidden = false;
    }
    search(q, meta, load).then(function (r) {
      var shown = 0, quoted = '\u201c' + q + '\u201d';
      function page() {
        var ids = r.ids.slice(shown, shown + PAGE);
        return docs(ids, meta, load).then(function (ds) {
          ds.forEach(function (d) {
            var li = document.createElement('li');
            li.className = 'tk__item';
            var info = [d[3], dmy(d[4])].filter(Boolean).map(esc).join(' · ');
            li.innerHTML = (info ? '<p class="tk__meta">' + info + '</p>' : '') +
              '<a class="tk__title" href="' + esc(site + d[0]) + '">' + highlight(d[1], r.words) + '</a>' +
              (d[2] ? '<p class="tk__ex">' + highlight(d[2], r.words) + '</p>' : '');
            list.appendChild(li);
          });
          shown += ids.length;
          more.hidden = shown >= r.ids.length;
        });
      }
      if (!r.ids.length) {
        status.textContent = 'Không tìm thấy kết quả nào cho ' + quoted + '. Hãy thử từ ngắn hơn, ít từ hơn, hoặc xem các mục bên dưới.';
        nameHint([]);
        return;
      }
      status.textContent = r.partial
        ? 'Không có trang nào chứa đủ các từ ' + quoted + '. Có ' + num(r.ids.length) + ' trang chứa một phần:'
        : 'Tìm thấy ' + num(r.ids.length) + ' kết quả cho ' + quoted + '.';
      more.onclick = function () { page(); };
      return page().then(function () {
        nameHint(Array.prototype.map.call(list.querySelectorAll('.tk__title'), function (a) { return a.textContent; }));
      });
    }).catch(function () {
      status.textContent = 'Không tải được dữ liệu tìm kiếm. Vui lòng kiểm tra kết nối mạng rồi thử lại.';
    });
  }

  var api = { looksLikeName: looksLikeName, fold: fold, syllables: syllables, keyFor: keyFor, fileName: fileName, plan: plan, rank: rank, search: search, docs: docs, highlight: highlight, esc: esc };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof document !== 'undefined') {
    var el = document.getElementById('tim-kiem');
    if (el) init(el);
  }
})();
