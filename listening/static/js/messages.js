// The page's messages in its language. The server renders them, from the same gettext
// catalogues as the pages, into <script type="application/json" id="app-messages">
// (templates/_macros/js_messages.html), keyed by the English text; English pages carry none.
// Plain ES2017 module: no build step, no dependencies.

let catalogue = null

function load () {
  if (catalogue === null) {
    const node = document.getElementById('app-messages')
    try {
      catalogue = node ? JSON.parse(node.textContent) : {}
    } catch (error) {
      catalogue = {}
    }
  }
  return catalogue
}

function fill (text, values) {
  return text.replace(/%\((\w+)\)s/g, function (match, name) {
    return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match
  })
}

// t('Enter the date', {}) → the translation, with %(name)s filled from `values`
export function t (text, values) {
  const found = load()[text]
  return fill(typeof found === 'string' && found ? found : text, values)
}

// nt('%(num)s draft', '%(num)s drafts', n): the form for n (these locales: one, or other)
export function nt (one, many, n, values) {
  const found = load()[one]
  const forms = Array.isArray(found) && found.length === 2 ? found : [one, many]
  return fill(n === 1 ? forms[0] : forms[1], Object.assign({ num: n }, values))
}

// the page's language for dates: English pages keep the British format they always had
export function dateLocale () {
  const lang = document.documentElement.lang || 'en'
  return lang === 'en' ? 'en-GB' : lang
}
