#!/usr/bin/env node
// The tswats-simulator command: the built CLI (a launcher outside dist/ so that installing the
// workspace can link it before anything is built).
import "../dist/cli.js";
