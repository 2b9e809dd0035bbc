'use strict';
// Full Chromium's stderr in a headless container is mostly about what the container lacks (a
// session bus, a display, audio, GPU drivers). --verbose keeps the lines that can concern the
// program and drops these; --verbose=all keeps everything.

const NOISE = [
  /dbus|D-Bus|org\.freedesktop/i,
  /Failed to connect to the bus/,
  /\bX11\b|\bXlib\b|Missing X server|ozone_platform/i,
  /Fontconfig/,
  /ALSA|PulseAudio|libpulse/i,
  /\bgpu(_init|_process|_channel)?\b|viz_main|angle_platform|libva|vaapi|GLES|EGL/i,
  /Floss|bluez|BlueZ/,
  /\bupower\b|\bsnap\b|kwallet|gnome-keyring|libsecret|os_crypt/i,
  /Fontations|font_gc|font_access/i,
  // Installing an app makes a desktop shortcut: there is no desktop database in a container.
  /LaunchProcess: failed to execvp|update-desktop-database|xdg-(mime|desktop|settings)/,
  /^\s*$/,
];

function isNoise(line) {
  return NOISE.some((re) => re.test(line));
}

// Splits a stderr chunk into lines, keeping a partial last line for the next chunk, and passes on
// the lines that are not noise (each with its newline).
function noiseFilter(sink) {
  let partial = '';
  return (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop();
    for (const line of lines) if (!isNoise(line)) sink(line + '\n');
  };
}

module.exports = { isNoise, noiseFilter };
