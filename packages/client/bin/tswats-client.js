#!/usr/bin/env node
// The tswats-client command: the built CLI (a launcher outside dist/ so that installing the
// workspace can link it before anything is built).
import "../dist/cli/main.js";
