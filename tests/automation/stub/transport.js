#!/usr/bin/env node
/*
 * A STUB of a cloud CLI's stdio tunnel (`aws ssm start-session --document-name
 * AWS-StartSSHSession`, `gcloud compute start-iap-tunnel --listen-on-stdin`) for the automation
 * tests. It is neither: it records its argv to $STUB_TRANSPORT_LOG (one JSON line) and pipes
 * stdin/stdout to the test's SSH server on 127.0.0.1:$STUB_BASTION_PORT, which is what those
 * commands do with the bastion's sshd. With STUB_TRANSPORT_FAIL it prints that to stderr and
 * exits 255, as a missing session-manager-plugin or a refused IAP permission would.
 */
"use strict";
const fs = require("fs");
const net = require("net");

const argv = process.argv.slice(2);
if (process.env.STUB_TRANSPORT_LOG) fs.appendFileSync(process.env.STUB_TRANSPORT_LOG, JSON.stringify({ argv }) + "\n");
if (process.env.STUB_TRANSPORT_FAIL) {
    process.stderr.write(process.env.STUB_TRANSPORT_FAIL + "\n");
    process.exit(255);
}
const sock = net.connect(Number(process.env.STUB_BASTION_PORT), "127.0.0.1");
sock.on("error", (err) => {
    process.stderr.write(`stub transport: ${err.message}\n`);
    process.exit(1);
});
process.stdin.pipe(sock).pipe(process.stdout);
sock.on("close", () => process.exit(0));
process.stdin.on("end", () => sock.end());
