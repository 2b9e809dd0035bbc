#!/usr/bin/env node
'use strict';
// ads-bundle: an Isolated Web App folder as a Signed Web Bundle (.swbn), the form in which an IWA
// is shipped to Chrome (docs/iwa.md, "Shipping: a Signed Web Bundle").
//
//   ads-bundle keygen KEY.pem                               a new Ed25519 key (mode 0600)
//   ads-bundle id KEY.pem                                   the app's origin for a key
//   ads-bundle build --app-dir DIR --key KEY.pem -o APP.swbn
//   ads-bundle verify APP.swbn                              signature, ID, manifest; lists the files

const fs = require('node:fs');
const path = require('node:path');
const b = require('./iwa_bundle');
const { EXIT } = require('./exit_codes');

const USAGE = `usage: ads-bundle keygen KEY.pem
       ads-bundle id KEY.pem
       ads-bundle build --app-dir DIR --key KEY.pem -o APP.swbn
       ads-bundle verify APP.swbn`;

class UsageError extends Error {}

function options(argv, names) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const name = names[argv[i]];
    if (!name || i + 1 >= argv.length) throw new UsageError(`unexpected ${argv[i]}`);
    o[name] = argv[++i];
  }
  return o;
}

async function main(argv) {
  const [command, ...rest] = argv;
  switch (command) {
    case 'keygen': {
      if (rest.length !== 1) throw new UsageError('keygen needs the key file to write');
      const pem = b.newKeyPem();
      fs.writeFileSync(rest[0], pem, { mode: 0o600, flag: 'wx' });  // never overwrite a key
      process.stdout.write(`${rest[0]}: isolated-app://${b.bundleIdForKey(pem)}\n`);
      return 0;
    }
    case 'id': {
      if (rest.length !== 1) throw new UsageError('id needs a key file');
      process.stdout.write(`isolated-app://${b.bundleIdForKey(fs.readFileSync(rest[0], 'utf8'))}\n`);
      return 0;
    }
    case 'build': {
      const o = options(rest, { '--app-dir': 'appDir', '--key': 'key', '-o': 'out', '--output': 'out' });
      if (!o.appDir || !o.key || !o.out) throw new UsageError('build needs --app-dir, --key and -o');
      const r = await b.buildSignedBundle({ appDir: o.appDir, keyPem: fs.readFileSync(o.key, 'utf8') });
      fs.mkdirSync(path.dirname(path.resolve(o.out)), { recursive: true });
      fs.writeFileSync(o.out, r.bytes);
      process.stdout.write(`${o.out}: ${r.origin} version ${r.version}, ${r.urls.length} files, ${r.bytes.length} bytes\n`);
      return 0;
    }
    case 'verify': {
      if (rest.length !== 1) throw new UsageError('verify needs a .swbn file');
      const r = b.verifySignedBundle(fs.readFileSync(rest[0]));
      process.stdout.write(`${rest[0]}: signed by the key of ${r.origin}, version ${r.version}\n`);
      for (const u of r.urls) process.stdout.write(`  ${u}\n`);
      return 0;
    }
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return 0;
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (e) => {
      process.stderr.write(`ads-bundle: ${e.message}\n`);
      if (e instanceof UsageError) process.stderr.write(USAGE + '\n');
      process.exit(e instanceof UsageError ? EXIT.USAGE : 1);
    });
}

module.exports = { main };
