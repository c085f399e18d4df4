#!/usr/bin/env node
import { runCli } from './cli.js'

/** The `agent-events` binary. */
process.exitCode = await runCli(process.argv.slice(2))
// Clients and timers of a command may outlive it (reconnection back-offs): the command is done.
process.exit()
