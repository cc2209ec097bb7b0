// Poll a theme run's JSON status and update the page; reload once the run has finished.
const box = document.getElementById('run-status')
if (box && box.dataset.finished !== 'true') {
  const url = box.dataset.statusUrl
  const show = (status) => {
    document.getElementById('run-state').textContent = status.status
    document.getElementById('run-progress').value = status.progress
    document.getElementById('run-percent').textContent = `${status.progress}%`
    document.getElementById('run-message').textContent = status.message
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
