// Poll an import's JSON status and update the page; reload once the import has finished.
const box = document.getElementById('import-status')
if (box && box.dataset.finished !== 'true') {
  const url = box.dataset.statusUrl
  const show = (status) => {
    document.getElementById('import-progress').max = Math.max(status.total, 1)
    document.getElementById('import-progress').value = status.done
    document.getElementById('import-message').textContent =
      status.total ? `${status.done} of ${status.total} conversations checked and saved.` : 'Reading the file.'
  }
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (response.ok) {
        const status = await response.json()
        show(status)
        if (status.finished) {
          window.location.reload()
          return
        }
      }
    } catch (error) {
      // offline for a moment: try again on the next tick
    }
    window.setTimeout(poll, 2000)
  }
  window.setTimeout(poll, 1000)
}
