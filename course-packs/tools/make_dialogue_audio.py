#!/usr/bin/env python3
"""Speak a short dialogue with espeak-ng and save it as a small mono Opus .ogg.

Usage: python3 make_dialogue_audio.py LANG DIALOGUE.txt OUT.ogg
  LANG      espeak-ng language: en, fr, ...
  DIALOGUE  one line per turn: "A|text" (speaker A, female voice) or "B|text"
            (speaker B, male voice)

Needs: espeak-ng, sox, opus-tools (apt-get install espeak-ng sox opus-tools).
The result is 16 kHz mono Opus at 16 kbit/s: about 1.5 KB per second.

Example (regenerates the English greetings dialogue):
  python3 course-packs/tools/make_dialogue_audio.py en \
      course-packs/tools/dialogues/everyday-english-a1_greetings.txt \
      course-packs/everyday-english-a1/audio/greetings.ogg
"""
import os
import subprocess
import sys
import tempfile

VOICES = {
    'en': {'A': 'en-gb+f3', 'B': 'en-us+m3'},
    'fr': {'A': 'fr+f3', 'B': 'fr+m3'},
}


def main(lang, src, out):
    voices = VOICES.get(lang, {'A': f'{lang}+f3', 'B': f'{lang}+m3'})
    with tempfile.TemporaryDirectory() as tmp:
        seq = []
        silence = os.path.join(tmp, 'silence.wav')
        subprocess.run(['sox', '-n', '-r', '22050', '-c', '1', '-b', '16', silence, 'trim', '0', '0.7'], check=True)
        lines = [l.rstrip('\n') for l in open(src, encoding='utf-8') if l.strip()]
        for i, line in enumerate(lines):
            who, text = line.split('|', 1)
            wav = os.path.join(tmp, f'{i:03d}.wav')
            # -s 120: slow speech for beginners; -g 8: short pause between words
            subprocess.run(['espeak-ng', '-v', voices[who], '-s', '120', '-g', '8', '-w', wav, text], check=True)
            seq += [wav, silence]
        joined = os.path.join(tmp, 'all.wav')
        subprocess.run(['sox'] + seq + [joined, 'rate', '16000', 'norm', '-3'], check=True)
        subprocess.run(['opusenc', '--quiet', '--bitrate', '16', '--downmix-mono', '--comp', '10',
                        '--title', os.path.splitext(os.path.basename(out))[0],
                        '--artist', 'Qalam Team (espeak-ng)', joined, out], check=True)
    print(f'{out}: {os.path.getsize(out)} bytes')


if __name__ == '__main__':
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
