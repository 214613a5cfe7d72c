/**
 * The board's call announcement: a two-note chime made with Web Audio (no sound file) and
 * an optional spoken line by the browser's speech synthesis. Browsers allow audio only
 * after a user gesture, so the board's toggle creates the AudioContext on its click.
 */
let audio: AudioContext | undefined;

/** Called from the toggle's click: the gesture that lets the page make sound. */
export function unlockAudio(): void {
  audio ??= new AudioContext();
  void audio.resume();
}

export function chime(): void {
  if (!audio) return;
  const start = audio.currentTime;
  for (const [i, frequency] of [880, 659.25].entries()) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = 'sine';
    tone.frequency.value = frequency;
    const at = start + i * 0.45;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.9);
    tone.connect(gain).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 1);
  }
}

export function speak(line: string, lang: string): void {
  if (!('speechSynthesis' in window)) return;
  const utterance = new SpeechSynthesisUtterance(line);
  utterance.lang = lang;
  utterance.rate = 0.9;
  window.speechSynthesis.speak(utterance);
}
