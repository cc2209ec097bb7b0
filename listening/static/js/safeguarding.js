// The safeguarding rules, run on the phone (online or offline) before a conversation is sent.
// The rules come from the server (data-safeguarding-rules on the form): the same list
// listening/intake/safeguarding/rules.json that intake runs, matched per sentence.

const SENTENCE = /(?<=[.!?;])\s+|\n+/

function compile (rules) {
  if (rules.compiled) return rules.compiled
  const re = function (pattern) { return new RegExp(pattern, 'i') }
  rules.compiled = {
    kinds: rules.order.map(function (kind) {
      return [kind, rules.kinds[kind].map(function (group) { return group.map(re) })]
    }),
    suppressors: rules.suppressors.map(re)
  }
  return rules.compiled
}

// The kind the rules find in these answers, or null.
export function safeguardingKind (answers, rules) {
  const compiled = compile(rules)
  for (const answer of answers) {
    const plain = String(answer || '').replace(/[\u2018\u2019`]/g, "'")
    for (const sentence of plain.split(SENTENCE)) {
      if (!sentence.trim()) continue
      if (compiled.suppressors.some(function (p) { return p.test(sentence) })) continue
      for (const [kind, groups] of compiled.kinds) {
        if (groups.some(function (group) { return group.every(function (p) { return p.test(sentence) }) })) return kind
      }
    }
  }
  return null
}

export function readRules (form) {
  try {
    return JSON.parse(form.getAttribute('data-safeguarding-rules') || 'null')
  } catch (error) {
    return null
  }
}

// Show the campaign's guidance (rendered hidden in the page) when the answers need it.
export function showGuidanceIfNeeded (form, answers) {
  const rules = readRules(form)
  const guidance = document.getElementById('safeguarding-guidance')
  if (!rules || !guidance || !safeguardingKind(answers, rules)) return false
  guidance.hidden = false
  guidance.focus()
  guidance.scrollIntoView({ block: 'start' })
  return true
}
