// Offline-first intake. Progressive enhancement: without this script (or without IndexedDB)
// the conversation form posts to the server as usual.
//
// With it, "Submit conversation" (and "Save as draft", sent with status "draft") saves the
// conversation in the phone's outbox (IndexedDB) BEFORE any network attempt, then sends it
// with PUT /api/v1/conversations/<uuid>. The
// server is idempotent by the client's UUID, so a retry after a lost answer is harmless.
// A record leaves the phone only when the server answered 200 or 201.
// Plain ES2017 module: no build step, no dependencies.

import * as outbox from './outbox.js'
import { showGuidanceIfNeeded } from './safeguarding.js'
import { dateLocale, nt, t } from './messages.js'

const NEW_PATH = '/intake/conversations/new'
const LIST_PATH = '/intake/conversations'
const LOGIN_URL = '/login?next=' + encodeURIComponent(NEW_PATH)
const API = '/api/v1/conversations/'
const MAX_ANSWERS = 30
const MAX_ANSWER_LENGTH = 20000
const MAX_PEOPLE = 10000
const DOUBLE_TAP_MS = 2500
const MAX_BACKOFF_MS = 5 * 60 * 1000

const state = {
  flushing: null, // the flush in flight, if any
  again: false, // another flush was asked for while one was running
  retryTimer: null,
  backoffMs: 0,
  authNeeded: false,
  networkDown: false,
  sentHere: 0, // conversations this page saw the server accept
  draftsSentHere: 0, // drafts among them
  justQueued: false, // false, 'conversation' or 'draft': what was just saved on the phone
  lastQueuedAt: 0,
  touched: false,
  busy: false
}

// ---------------------------------------------------------------- small helpers

function el (tag, attrs, children) {
  const node = document.createElement(tag)
  Object.keys(attrs || {}).forEach(function (key) {
    if (key === 'text') node.textContent = attrs[key]
    else if (key === 'className') node.className = attrs[key]
    else node.setAttribute(key, attrs[key])
  })
  ;(children || []).forEach(function (child) {
    node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child)
  })
  return node
}

export function newUuid () {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') {
    return window.crypto.randomUUID()
  }
  const bytes = window.crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = Array.prototype.map.call(bytes, function (b) {
    return (b + 0x100).toString(16).slice(1)
  }).join('')
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
    hex.slice(20)].join('-')
}

function today () {
  const now = new Date()
  const pad = function (n) { return (n < 10 ? '0' : '') + n }
  return now.getFullYear() + '-' + pad(now.getMonth() + 1) + '-' + pad(now.getDate())
}

function csrfToken () {
  const input = document.querySelector('input[name="csrf_token"]')
  return input ? input.value : ''
}

function conversationForm () {
  const form = document.getElementById('conversation-form')
  // only the new-conversation form is sent through the outbox; edits post as usual
  if (!form || form.getAttribute('action') !== NEW_PATH) return null
  return form
}

// ---------------------------------------------------------------- reading and checking the form

export function readForm (form) {
  const data = new FormData(form)
  const text = function (name) { return String(data.get(name) || '').trim() }
  const people = text('people_count')
  const consent = data.get('consent_to_quote')
  const answers = Array.prototype.slice.call(form.querySelectorAll('textarea[name^="responses-"]'))
    .sort(function (a, b) { return answerIndex(a) - answerIndex(b) })
    .map(function (area) { return area.value.trim() })
    .filter(function (answer) { return answer !== '' })
  return {
    campaign: text('campaign'),
    borough: text('borough'),
    organisation: text('organisation'),
    date: text('date'),
    format: text('format'),
    people_count: /^\d{1,9}$/.test(people) ? parseInt(people, 10) : people,
    groups: data.getAll('groups').map(String),
    consent_to_quote: consent === 'yes' ? true : (consent === 'no' ? false : null),
    responses: answers
  }
}

function answerIndex (area) { return parseInt(area.name.split('-')[1], 10) || 0 }

// A light mirror of the server's rules (forms.py); the server stays the authority.
export function validate (body) {
  const errors = {}
  const add = function (field, message) { errors[field] = [message] }
  if (!body.borough) add('borough', t('Select the borough where the conversation took place'))
  if (!body.organisation) {
    add('organisation', t('Select the organisation that facilitated the conversation'))
  }
  if (!body.date) {
    add('date', t('Enter the date of the conversation'))
  } else if (!/^\d{4}-\d{2}-\d{2}$/.test(body.date) || isNaN(Date.parse(body.date))) {
    add('date', t('Enter the date of the conversation'))
  } else if (body.date > tomorrow()) {
    add('date', t('Date of the conversation must be today or in the past'))
  } else if (body.date < '2000-01-01') {
    add('date', t('Date of the conversation must be after 1 January 2000'))
  }
  if (!body.format) add('format', t('Select the format of the conversation'))
  if (typeof body.people_count !== 'number') {
    add('people_count', t('Enter how many people took part, as a number like 3'))
  } else if (body.people_count < 1 || body.people_count > MAX_PEOPLE) {
    add('people_count', t('Number of people must be between 1 and 10,000'))
  }
  if (!body.responses.length) {
    add('responses', t('Enter at least one thing people said'))
  } else if (body.responses.some(function (a) { return a.length > MAX_ANSWER_LENGTH })) {
    add('responses', t('Answer must be 20,000 characters or fewer'))
  }
  if (body.consent_to_quote === null) {
    add('consent_to_quote', t('Select whether they agreed to be quoted anonymously'))
  }
  return Object.keys(errors).length ? errors : null
}

// A draft may leave fields empty; whatever it does fill in is checked as usual.
export function validateDraft (body) {
  const errors = validate(body) || {}
  Object.keys(errors).forEach(function (field) {
    const value = body[field]
    const empty = value === '' || value === null || value === undefined ||
      (Array.isArray(value) && value.length === 0)
    if (empty && field !== 'organisation') delete errors[field] // a draft still belongs to someone
  })
  return Object.keys(errors).length ? errors : null
}

function tomorrow () {
  const date = new Date(Date.now() + 24 * 3600 * 1000)
  const pad = function (n) { return (n < 10 ? '0' : '') + n }
  return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate())
}

// A warning, not an error: a date outside the campaign's dates is probably a slip of the finger.
function longDate (iso) {
  return new Date(iso + 'T12:00:00').toLocaleDateString(dateLocale(), { day: 'numeric', month: 'long', year: 'numeric' })
}

export function periodWarning (date, startsOn, endsOn) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date || '') || isNaN(Date.parse(date))) return ''
  if (startsOn && date < startsOn) {
    return t('%(date)s is before this campaign started (%(start)s).', { date: longDate(date), start: longDate(startsOn) })
  }
  if (endsOn && date > endsOn) {
    return t('%(date)s is after this campaign ended (%(end)s).', { date: longDate(date), end: longDate(endsOn) })
  }
  return ''
}

function watchDate (form) {
  const input = form.elements.date
  const box = document.getElementById('date-warning')
  if (!input || !box) return
  // a warning the server already wrote stays until the date changes
  let shown = box.textContent.trim() ? input.value : null
  const update = function () {
    if (input.value === shown) return
    shown = input.value
    const message = periodWarning(input.value, form.dataset.startsOn, form.dataset.endsOn)
    box.textContent = ''
    if (message) {
      const p = document.createElement('p')
      p.className = 'app-warning'
      const strong = document.createElement('strong')
      strong.textContent = t('Check the date:')
      p.appendChild(strong)
      p.appendChild(document.createTextNode(' ' + message))
      box.appendChild(p)
    }
  }
  update()
  input.addEventListener('input', update)
  input.addEventListener('change', update)
}

// ---------------------------------------------------------------- errors beside fields

function fieldControl (form, field) {
  if (field === 'responses') return form.querySelector('textarea[name^="responses-"]')
  if (/^responses-\d+$/.test(field)) return form.querySelector('textarea[name="' + field + '"]')
  const control = form.querySelector('[name="' + field + '"]')
  return control && control.type !== 'hidden' ? control : null
}

function clearErrors (form) {
  const column = form.parentNode
  Array.prototype.forEach.call(column.querySelectorAll('.nhsuk-error-summary'), function (node) {
    node.parentNode.removeChild(node)
  })
  Array.prototype.forEach.call(form.querySelectorAll('.nhsuk-error-message'), function (node) {
    node.parentNode.removeChild(node)
  })
  Array.prototype.forEach.call(form.querySelectorAll('.nhsuk-form-group--error'), function (node) {
    node.classList.remove('nhsuk-form-group--error')
  })
  const errorClasses = ['nhsuk-input--error', 'nhsuk-textarea--error', 'nhsuk-select--error']
  Array.prototype.forEach.call(form.querySelectorAll('[aria-describedby]'), function (node) {
    const ids = node.getAttribute('aria-describedby').split(' ').filter(function (id) {
      return id && !/-error$/.test(id)
    })
    if (ids.length) node.setAttribute('aria-describedby', ids.join(' '))
    else node.removeAttribute('aria-describedby')
  })
  errorClasses.forEach(function (name) {
    Array.prototype.forEach.call(form.querySelectorAll('.' + name), function (node) {
      node.classList.remove(name)
    })
  })
}

function describeBy (node, id) {
  const ids = (node.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
  if (ids.indexOf(id) === -1) ids.push(id)
  node.setAttribute('aria-describedby', ids.join(' '))
}

function showFieldError (form, field, message) {
  const control = fieldControl(form, field)
  if (!control) return null
  const group = control.closest('.nhsuk-form-group')
  const id = (field === 'responses' ? control.id : field) + '-error'
  const error = el('span', { className: 'nhsuk-error-message', id: id }, [
    el('span', { className: 'nhsuk-u-visually-hidden', text: t('Error: ') }), message
  ])
  const fieldset = control.closest('fieldset')
  if (control.type === 'radio' || control.type === 'checkbox') {
    const list = control.closest('.nhsuk-radios, .nhsuk-checkboxes')
    list.parentNode.insertBefore(error, list)
    describeBy(fieldset, id)
  } else {
    control.parentNode.insertBefore(error, control)
    describeBy(control, id)
    const kind = control.tagName === 'TEXTAREA' ? 'textarea' : (control.tagName === 'SELECT' ? 'select' : 'input')
    control.classList.add('nhsuk-' + kind + '--error')
  }
  if (group) group.classList.add('nhsuk-form-group--error')
  return control.id
}

export function showErrors (form, errors, intro) {
  clearErrors(form)
  const items = []
  Object.keys(errors).forEach(function (field) {
    const messages = [].concat(errors[field] || []).filter(function (m) { return typeof m === 'string' })
    if (!messages.length) return
    const target = showFieldError(form, field, messages[0])
    messages.forEach(function (message) {
      items.push(target
        ? el('li', {}, [el('a', { href: '#' + target, text: message })])
        : el('li', { text: message }))
    })
  })
  const body = el('div', { className: 'nhsuk-error-summary__body' }, [
    intro ? el('p', { text: intro }) : document.createTextNode(''),
    el('ul', { className: 'nhsuk-list nhsuk-error-summary__list' }, items)
  ])
  const summary = el('div', { className: 'nhsuk-error-summary', tabindex: '-1' }, [
    el('div', { role: 'alert' }, [
      el('h2', { className: 'nhsuk-error-summary__heading', text: t('There is a problem') }), body
    ])
  ])
  form.parentNode.insertBefore(summary, form.parentNode.firstChild)
  summary.addEventListener('click', function (event) {
    const link = event.target.closest('a[href^="#"]')
    if (!link) return
    const target = document.getElementById(link.getAttribute('href').slice(1))
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: 'center' }) }
  })
  summary.focus()
}

// ---------------------------------------------------------------- answers

function addAnswer (form, focus) {
  const blocks = form.querySelectorAll('.app-answer')
  if (blocks.length >= MAX_ANSWERS) return null
  const last = blocks[blocks.length - 1]
  const copy = last.cloneNode(true)
  const index = blocks.length
  const area = copy.querySelector('textarea')
  Array.prototype.forEach.call(copy.querySelectorAll('.nhsuk-error-message'), function (node) {
    node.parentNode.removeChild(node)
  })
  const group = copy.querySelector('.nhsuk-form-group')
  if (group) group.classList.remove('nhsuk-form-group--error')
  area.classList.remove('nhsuk-textarea--error')
  area.removeAttribute('aria-describedby')
  area.removeAttribute('autofocus')
  area.id = area.name = 'responses-' + index
  area.textContent = ''
  area.value = ''
  const label = copy.querySelector('label')
  label.setAttribute('for', area.id)
  label.textContent = t('Answer %(number)s', { number: index + 1 })
  last.parentNode.insertBefore(copy, last.nextSibling)
  if (index + 1 >= MAX_ANSWERS) form.querySelector('#add-answer').hidden = true
  if (focus) area.focus()
  return area
}

function removeExtraAnswers (form) {
  const blocks = form.querySelectorAll('.app-answer')
  for (let i = blocks.length - 1; i > 0; i--) blocks[i].parentNode.removeChild(blocks[i])
  const first = form.querySelector('textarea[name^="responses-"]')
  if (first) { first.textContent = ''; first.value = '' }
  const add = form.querySelector('#add-answer')
  if (add) add.hidden = false
}

// ---------------------------------------------------------------- the form after saving

function resetForm (form) {
  form.reset()
  clearErrors(form)
  removeExtraAnswers(form)
  form.elements.uuid.value = newUuid()
  if (form.elements.date) form.elements.date.value = today()
  if (form.elements.date) form.elements.date.dispatchEvent(new Event('change'))
  delete form.dataset.replaces
}

function setChecked (form, name, values) {
  Array.prototype.forEach.call(form.querySelectorAll('input[name="' + name + '"]'), function (input) {
    input.checked = values.indexOf(input.value) !== -1
  })
}

// Put a saved conversation back into the form so the person can correct it.
function restoreIntoForm (form, record) {
  const body = record.body
  resetForm(form)
  state.touched = true // a deliberate new submission, not a double tap
  form.elements.uuid.value = record.state === 'conflict' ? newUuid() : record.uuid
  form.dataset.replaces = record.uuid
  setChecked(form, 'borough', [body.borough])
  setChecked(form, 'format', [body.format])
  setChecked(form, 'groups', body.groups || [])
  setChecked(form, 'consent_to_quote', body.consent_to_quote === true ? ['yes'] : (body.consent_to_quote === false ? ['no'] : []))
  const organisation = form.elements.organisation
  if (organisation && organisation.tagName === 'SELECT') organisation.value = body.organisation
  form.elements.date.value = body.date || ''
  form.elements.date.dispatchEvent(new Event('change'))
  form.elements.people_count.value = body.people_count === null || body.people_count === undefined ? '' : String(body.people_count)
  const answers = body.responses && body.responses.length ? body.responses : ['']
  answers.forEach(function (answer, index) {
    const area = index === 0 ? form.querySelector('textarea[name="responses-0"]') : addAnswer(form, false)
    if (area) area.value = answer
  })
  const errors = record.errors && Object.keys(record.errors).length ? record.errors : { uuid: [record.message] }
  showErrors(form, errors, record.state === 'conflict'
    ? t('This conversation will be sent as a new conversation once you submit it again.')
    : t('Correct the answers below and submit the conversation again.'))
}

// ---------------------------------------------------------------- status on the page

function outboxPanel () {
  const status = document.getElementById('outbox-status')
  if (!status) return null
  let problems = document.getElementById('outbox-problems')
  if (!problems) {
    problems = el('div', { id: 'outbox-problems' })
    status.parentNode.insertBefore(problems, status.nextSibling)
  }
  return { status: status, problems: problems }
}

function describe (record) {
  const body = record.body || {}
  const date = body.date ? new Date(body.date + 'T12:00:00') : null
  const when = date && !isNaN(date.getTime())
    ? date.toLocaleDateString(dateLocale(), { day: 'numeric', month: 'long', year: 'numeric' })
    : t('an unknown date')
  const first = (body.responses && body.responses[0]) || ''
  const quote = first.length > 80 ? first.slice(0, 77) + '…' : first
  return quote ? t('Conversation on %(date)s: “%(quote)s”', { date: when, quote: quote }) : t('Conversation on %(date)s', { date: when })
}

function problemItem (record) {
  const actions = el('div', { className: 'app-actions nhsuk-u-margin-top-3' })
  const formOnPage = conversationForm()
  const open = formOnPage
    ? el('button', { type: 'button', className: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', 'data-outbox-open': record.uuid, text: t('Open it to correct it') })
    : el('a', { href: NEW_PATH + '?restore=' + encodeURIComponent(record.uuid), text: t('Open it to correct it') })
  actions.appendChild(open)
  actions.appendChild(el('button', {
    type: 'button', className: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', 'data-outbox-delete': record.uuid, text: t('Delete it from this phone')
  }))
  const messages = []
  Object.keys(record.errors || {}).forEach(function (field) {
    [].concat(record.errors[field]).forEach(function (m) { if (typeof m === 'string') messages.push(m) })
  })
  if (!messages.length && record.message) messages.push(record.message)
  return el('li', {}, [
    el('p', { className: 'nhsuk-u-margin-bottom-2' }, [el('strong', { text: describe(record) })]),
    el('ul', { className: 'nhsuk-list nhsuk-list--bullet' }, messages.map(function (m) { return el('li', { text: m }) })),
    actions
  ])
}

export function render () {
  const panel = outboxPanel()
  const warning = document.getElementById('outbox-warning')
  return outbox.all().then(function (records) {
    const pending = records.filter(function (r) { return r.state === 'pending' })
    const problems = records.filter(function (r) { return r.state !== 'pending' })
    if (warning) {
      warning.hidden = records.length === 0
      const text = warning.querySelector('p')
      if (text && records.length && !pending.length) {
        text.textContent = nt('%(num)s conversation on this phone was not accepted and needs correcting.', '%(num)s conversations on this phone were not accepted and need correcting.', problems.length) +
          ' ' + t('They stay on this phone: open My conversations after you sign in again.')
      }
    }
    if (!panel) return records
    const lines = []
    if (state.justQueued === 'draft') {
      lines.push(el('p', { className: 'nhsuk-u-margin-bottom-2' }, [el('strong', { text: t('Draft saved on this phone.') }), ' ' + t('It is kept as a draft, not submitted: continue it from'), ' ', el('a', { href: LIST_PATH, text: t('My conversations') }), ' ' + t('once it is sent.')]))
    } else if (state.justQueued) {
      lines.push(el('p', { className: 'nhsuk-u-margin-bottom-2' }, [el('strong', { text: t('Conversation saved on this phone.') }), ' ' + t('You can log the next one.')]))
    }
    if (pending.length) {
      lines.push(el('p', { className: 'nhsuk-u-margin-bottom-2', text: nt('%(num)s saved on this phone, not yet sent.', '%(num)s saved on this phone, not yet sent.', pending.length) }))
      if (state.authNeeded) {
        lines.push(el('p', {}, [el('a', { href: LOGIN_URL, text: nt('Sign in again to send %(num)s saved conversation', 'Sign in again to send %(num)s saved conversations', pending.length) }), '. ' + t('They stay safe on this phone until then.')]))
      } else if (state.networkDown || navigator.onLine === false) {
        lines.push(el('p', { text: t('They will be sent when you are back online. Keep this phone: do not clear its browsing data.') }))
      } else {
        lines.push(el('p', { text: t('Sending…') }))
      }
    } else if (!problems.length && (state.sentHere > 0 || state.justQueued)) {
      lines.push(el('p', { text: t('All sent.') + ' ' + nt('%(num)s conversation sent from this page.', '%(num)s conversations sent from this page.', state.sentHere) }))
      if (state.draftsSentHere) {
        lines.push(el('p', {}, [nt('%(num)s draft is waiting for you under Drafts in', '%(num)s drafts are waiting for you under Drafts in', state.draftsSentHere) + ' ', el('a', { href: LIST_PATH, text: t('My conversations') }), '.']))
      }
    }
    const next = el('div', {}, lines)
    if (next.innerHTML !== panel.status.innerHTML) {
      // only real changes: screen readers announce every change in this live region
      panel.status.textContent = ''
      panel.status.className = lines.length ? 'app-outbox nhsuk-inset-text' : 'app-outbox'
      lines.forEach(function (line) { panel.status.appendChild(line) })
    }
    panel.problems.textContent = ''
    panel.problems.className = ''
    if (problems.length) {
      panel.problems.className = 'nhsuk-warning-callout'
      panel.problems.appendChild(el('h2', { className: 'nhsuk-warning-callout__label' }, [
        el('span', { role: 'text' }, [
          el('span', { className: 'nhsuk-u-visually-hidden', text: t('Important: ') }),
          nt('%(num)s conversation needs your attention', '%(num)s conversations need your attention', problems.length)
        ])
      ]))
      panel.problems.appendChild(el('p', { text: t('They are kept on this phone and were not sent.') }))
      panel.problems.appendChild(el('ul', { className: 'nhsuk-list' }, problems.map(problemItem)))
    }
    return records
  })
}

// ---------------------------------------------------------------- sending

function scheduleRetry (afterMs) {
  if (state.retryTimer) return
  state.backoffMs = afterMs || Math.min(MAX_BACKOFF_MS, state.backoffMs ? state.backoffMs * 2 : 2000)
  const wait = afterMs || state.backoffMs * (0.75 + Math.random() / 2)
  state.retryTimer = setTimeout(function () { state.retryTimer = null; flush() }, wait)
}

function refreshToken () {
  // a fresh page carries a token for the current session (e.g. after signing in elsewhere)
  return fetch(NEW_PATH, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
    if (!response.ok || response.redirected || response.url.indexOf('/login') !== -1) return false
    return response.text().then(function (html) {
      const page = new DOMParser().parseFromString(html, 'text/html')
      const input = page.querySelector('input[name="csrf_token"]')
      if (!input || !input.value) return false
      Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf_token"]'), function (node) {
        node.value = input.value
      })
      return true
    })
  }).catch(function () { return false })
}

async function send (record, tokenRefreshed) {
  let response
  try {
    response = await fetch(API + encodeURIComponent(record.uuid), {
      method: 'PUT',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken() },
      body: JSON.stringify(record.body)
    })
  } catch (error) {
    state.networkDown = true // or the answer was lost on the way: the retry is idempotent
    scheduleRetry()
    return 'stop'
  }
  state.networkDown = false
  const isJson = (response.headers.get('Content-Type') || '').indexOf('application/json') === 0
  let data = {}
  try { data = isJson ? await response.json() : {} } catch (error) { data = {} }
  const status = response.status
  const toLogin = response.redirected && response.url.indexOf('/login') !== -1
  if ((status === 200 || status === 201) && data && String(data.uuid).toLowerCase() === record.uuid.toLowerCase()) {
    // only the server's own answer naming this conversation counts as sent (a captive
    // portal or a redirect to a login page also answers 200)
    await outbox.remove(record.uuid)
    state.sentHere += 1
    if (data.status === 'draft') state.draftsSentHere += 1
    state.backoffMs = 0
    state.authNeeded = false
    return 'next'
  }
  if (status === 401 || status === 403 || toLogin) {
    state.authNeeded = true
    return 'stop'
  }
  if (status === 400 && isJson && !tokenRefreshed) {
    // the CSRF token is stale (a new session): fetch a fresh one and try once more
    if (await refreshToken()) return send(record, true)
    state.authNeeded = true
    return 'stop'
  }
  if (status >= 400 && status < 500 && status !== 429 && isJson && data.error) {
    // 409 (a different conversation has this reference), 410 (erased), 422 (invalid), 413
    // (too big): keep it on the phone and ask the person
    record.state = status === 422 ? 'invalid' : 'conflict'
    record.status = status
    record.message = data.error
    record.errors = data.errors || {}
    record.attempts = (record.attempts || 0) + 1
    await outbox.put(record)
    return 'next'
  }
  // 429, 5xx, or an answer that is not our server's: try again later
  const retryAfter = parseInt(response.headers.get('Retry-After') || '', 10)
  scheduleRetry(retryAfter > 0 ? retryAfter * 1000 : 0)
  return 'stop'
}

async function flushOnce () {
  const records = (await outbox.all()).filter(function (r) { return r.state === 'pending' })
  for (let i = 0; i < records.length; i++) {
    if ((await send(records[i], false)) === 'stop') break
  }
}

function withLock (fn) {
  // one flush at a time across tabs too, where the browser has Web Locks
  if (navigator.locks && navigator.locks.request) {
    return navigator.locks.request('listening-outbox', fn)
  }
  return fn()
}

export function flush () {
  if (state.flushing) { state.again = true; return state.flushing }
  const done = function () {
    state.flushing = null
    return render().then(function () {
      if (state.again) { state.again = false; return flush() }
    })
  }
  state.flushing = Promise.resolve().then(function () { return withLock(flushOnce) })
    .then(done, function (error) {
      if (window.console) console.error('outbox flush failed', error)
      scheduleRetry()
      return done()
    })
  return state.flushing
}

// ---------------------------------------------------------------- wiring the form

function askForPersistentStorage () {
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then(function (persisted) {
      if (!persisted) return navigator.storage.persist()
    }).catch(function () {})
  }
}

function enhanceForm (form) {
  let lastButton = null
  form.addEventListener('click', function (event) {
    const button = event.target.closest('button[type="submit"], input[type="submit"]')
    if (button) lastButton = button
  })
  form.addEventListener('input', function () { state.touched = true })
  form.addEventListener('change', function () { state.touched = true })
  form.addEventListener('submit', function (event) {
    const button = event.submitter || lastButton
    const name = button ? button.name : 'submit_conversation'
    lastButton = null
    if (name === 'add_answer') {
      event.preventDefault()
      addAnswer(form, true)
      return
    }
    event.preventDefault()
    if (state.busy) return
    if (Date.now() - state.lastQueuedAt < DOUBLE_TAP_MS && !state.touched) return // a double tap
    queue(form, name === 'save_draft')
  })
}

// A draft goes through the outbox like a submission (kept on the phone first, sent when
// there is signal) with status "draft": the server checks only what it has.
async function queue (form, asDraft) {
  const body = readForm(form)
  if (asDraft) body.status = 'draft'
  const errors = asDraft ? validateDraft(body) : validate(body)
  if (errors) { showErrors(form, errors); return }
  state.busy = true
  const uuid = form.elements.uuid.value
  const replaces = form.dataset.replaces
  try {
    await outbox.put({ uuid: uuid, body: body, state: 'pending', message: '', errors: {}, savedAt: Date.now(), attempts: 0 })
    if (replaces && replaces !== uuid) await outbox.remove(replaces)
  } catch (error) {
    state.busy = false
    if (asDraft) form.appendChild(el('input', { type: 'hidden', name: 'save_draft', value: '1' }))
    form.submit() // no outbox on this phone: send it the ordinary way
    return
  }
  askForPersistentStorage()
  resetForm(form)
  state.busy = false
  state.justQueued = asDraft ? 'draft' : 'conversation'
  state.touched = false
  state.lastQueuedAt = Date.now()
  state.backoffMs = 0
  await render()
  // a possible disclosure: the campaign's guidance comes first, before any sending
  if (!showGuidanceIfNeeded(form, body.responses)) {
    const panel = outboxPanel()
    if (panel) panel.status.scrollIntoView({ block: 'center' })
  }
  flush()
}

function wireProblemButtons () {
  document.addEventListener('click', function (event) {
    const open = event.target.closest('[data-outbox-open]')
    const remove = event.target.closest('[data-outbox-delete]')
    if (open) {
      outbox.get(open.getAttribute('data-outbox-open')).then(function (record) {
        const form = conversationForm()
        if (record && form) restoreIntoForm(form, record)
      })
    } else if (remove) {
      if (!window.confirm(t('Delete this conversation from this phone? It has not been sent.'))) return
      outbox.remove(remove.getAttribute('data-outbox-delete')).then(render)
    }
  })
}

// Signing out forgets the stored pages (they show who was signed in); the outbox stays.
function forgetPagesOnSignOut () {
  const form = location.pathname === '/logout' ? document.querySelector('main form[method="post"]') : null
  if (!form || !window.caches) return
  let forgotten = false
  form.addEventListener('submit', function (event) {
    if (forgotten) return
    event.preventDefault()
    const forget = caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf('listening-') === 0 })
        .map(function (name) {
          return caches.open(name).then(function (cache) {
            return Promise.all([NEW_PATH, '/intake/conversations'].map(function (path) {
              return cache.delete(path)
            }))
          })
        }))
    })
    const atMost = new Promise(function (resolve) { setTimeout(resolve, 1500) })
    Promise.race([forget, atMost]).catch(function () {}).then(function () {
      forgotten = true
      form.submit()
    })
  })
}

function registerServiceWorker () {
  // only partners' intake pages work offline (staff pages are never stored)
  if (!('serviceWorker' in navigator) || !document.querySelector('[data-offline-cache="partner"]')) return
  navigator.serviceWorker.register('/sw.js', { scope: '/intake/' }).catch(function (error) {
    if (window.console) console.warn('service worker not registered', error)
  })
}

function start () {
  registerServiceWorker()
  forgetPagesOnSignOut()
  const anyForm = document.getElementById('conversation-form')
  if (anyForm) watchDate(anyForm)
  const form = conversationForm()
  if (!outbox.supported()) return // the form posts to the server as usual
  const restore = new URLSearchParams(location.search).get('restore')
  if (form) {
    enhanceForm(form)
    if (!restore && !form.parentNode.querySelector('.nhsuk-error-summary')) {
      // a saved copy of this page (offline) carries an old reference and date
      form.elements.uuid.value = newUuid()
      if (form.elements.date) form.elements.date.value = today()
      if (form.elements.date) form.elements.date.dispatchEvent(new Event('change'))
    }
  }
  wireProblemButtons()
  window.addEventListener('online', function () {
    clearTimeout(state.retryTimer)
    state.retryTimer = null
    state.backoffMs = 0
    flush()
  })
  window.addEventListener('offline', function () { render() })
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') flush()
  })
  const restoring = restore && form
    ? outbox.get(restore).then(function (record) {
      if (record) restoreIntoForm(form, record)
      history.replaceState(null, '', location.pathname)
    })
    : Promise.resolve()
  restoring.then(render).then(flush).catch(function (error) {
    if (window.console) console.error('outbox unavailable', error)
  })
}

start()
