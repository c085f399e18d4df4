/**
 * The dashboard's browser script: the raw WebSocket protocol of the node it was served by. It
 * reconnects after a lost connection and resumes each execution from the last seq it showed.
 */
export const DASHBOARD_SCRIPT = `'use strict'
const MAX_ROWS = 500
const form = document.getElementById('subscribe')
const statusLine = document.getElementById('status')
const rows = document.getElementById('events')
const lastSeq = new Map()
let socket
let watching

function detailOf(event) {
  const skip = new Set(['id', 'seq', 'type', 'executionId', 'conversationId', 'projectId', 'timestamp', 'agentId', 'agentName', 'department'])
  const rest = Object.fromEntries(Object.entries(event).filter(([key]) => !skip.has(key)))
  const text = JSON.stringify(rest)
  return text.length > 300 ? text.slice(0, 299) + '…' : text
}

function show(event) {
  lastSeq.set(event.executionId, Math.max(lastSeq.get(event.executionId) || 0, event.seq))
  const row = document.createElement('tr')
  const cells = [
    new Date(event.timestamp).toLocaleTimeString(),
    event.executionId,
    String(event.seq),
    event.type,
    [event.agentName || event.agentId, event.department].filter(Boolean).join(' / '),
    detailOf(event),
  ]
  cells.forEach((text, index) => {
    const cell = document.createElement('td')
    cell.textContent = text
    if (index === 3) cell.className = 'type'
    if (index === 5) cell.className = 'detail'
    row.appendChild(cell)
  })
  rows.prepend(row)
  while (rows.children.length > MAX_ROWS) rows.lastChild.remove()
}

function connect() {
  const token = document.getElementById('token').value
  const url = new URL('/events', location.href)
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
  if (token) url.searchParams.set('token', token)
  socket = new WebSocket(url)
  statusLine.textContent = 'connecting…'
  socket.onopen = () => {
    statusLine.textContent = 'connected'
    const request = { type: 'subscribe', [watching.kind]: watching.target }
    if (watching.kind === 'executionId' && lastSeq.has(watching.target)) request.since = lastSeq.get(watching.target)
    socket.send(JSON.stringify(request))
  }
  socket.onmessage = (message) => {
    const frame = JSON.parse(message.data)
    if (frame.type === 'event') show(frame.event)
    else if (frame.type === 'error') statusLine.textContent = frame.error.code + ': ' + frame.error.message
    else if (frame.type === 'subscribed') statusLine.textContent = 'watching ' + watching.target
  }
  socket.onclose = (event) => {
    const current = socket
    statusLine.textContent = 'disconnected (' + (event.reason || event.code) + '), reconnecting…'
    if (event.code === 4401) return
    setTimeout(() => { if (socket === current) connect() }, 1000)
  }
}

form.addEventListener('submit', (submitted) => {
  submitted.preventDefault()
  watching = { kind: document.getElementById('kind').value, target: document.getElementById('target').value }
  rows.replaceChildren()
  lastSeq.clear()
  if (socket) { socket.onclose = null; socket.close() }
  connect()
})
`
