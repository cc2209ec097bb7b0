// Initialise NHS.UK frontend components (no inline script: the CSP forbids it).
import { initAll } from '/assets/nhsuk-frontend.min.js'
initAll()
