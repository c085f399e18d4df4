import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app.js'
import { adoptFragmentToken, storedToken } from './session.js'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('the page has no #root element')
createRoot(root).render(
  <StrictMode>
    <App initialToken={adoptFragmentToken() ?? storedToken()} />
  </StrictMode>,
)
