/**
 * The kitchen screens' optional sound for new tickets: a short beep made with WebAudio (no audio file),
 * off by default, the choice remembered in this browser's `localStorage`.
 *
 * @module
 */
/// <reference lib="dom" />

/** The `localStorage` key of the choice. */
export const SOUND_KEY = "oms.kitchen.sound";

/** True when this browser chose the sound (false when storage is unavailable). */
export function soundWanted(): boolean {
  try {
    return globalThis.localStorage?.getItem(SOUND_KEY) === "on";
  } catch {
    return false;
  }
}

/** Remembers the choice. */
export function rememberSound(on: boolean): void {
  try {
    globalThis.localStorage?.setItem(SOUND_KEY, on ? "on" : "off");
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}

let context: AudioContext | undefined;

/** Unlocks audio (call from the tap that turns the sound on: browsers start audio only after one). */
export function unlockSound(): void {
  if (!context && typeof AudioContext === "function") context = new AudioContext();
  void context?.resume();
}

/** Plays one short beep (nothing where WebAudio is missing). */
export function beep(): void {
  unlockSound();
  if (!context) return;
  const osc = context.createOscillator();
  const gain = context.createGain();
  osc.type = "sine";
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.2, context.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + 0.25);
  osc.connect(gain).connect(context.destination);
  osc.start();
  osc.stop(context.currentTime + 0.25);
}
