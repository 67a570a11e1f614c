import type { RigStore } from '../rig/rigStore';
import { CodeSlider } from './CodeSlider';

export interface PoseSlidersProps {
  store: RigStore;
}

const readYaw = (store: RigStore) => store.angles.yaw;
const readPitch = (store: RigStore) => store.angles.pitch;
const readRoll = (store: RigStore) => store.angles.roll;
const writeYaw = (store: RigStore, yaw: number) => store.setAngles({ yaw });
const writePitch = (store: RigStore, pitch: number) => store.setAngles({ pitch });
const writeRoll = (store: RigStore, roll: number) => store.setAngles({ roll });
// Jaw pose is axis-angle: x opens the mouth, y swings the jaw sideways, z twists it.
const readJawOpen = (store: RigStore) => store.codes.pose[3];
const readJawSide = (store: RigStore) => store.codes.pose[4];
const readJawTwist = (store: RigStore) => store.codes.pose[5];
const writeJawOpen = (store: RigStore, value: number) => store.set('pose', 3, value);
const writeJawSide = (store: RigStore, value: number) => store.set('pose', 4, value);
const writeJawTwist = (store: RigStore, value: number) => store.set('pose', 5, value);

/** Global head rotation (yaw / pitch / roll in degrees) and the jaw (radians). */
export function PoseSliders({ store }: PoseSlidersProps) {
  return (
    <fieldset className="viewport-group">
      <legend>Pose</legend>
      <CodeSlider store={store} label="Yaw °" read={readYaw} write={writeYaw} min={-90} max={90} step={0.5} digits={1} testId="pose-yaw" />
      <CodeSlider store={store} label="Pitch °" read={readPitch} write={writePitch} min={-60} max={60} step={0.5} digits={1} testId="pose-pitch" />
      <CodeSlider store={store} label="Roll °" read={readRoll} write={writeRoll} min={-60} max={60} step={0.5} digits={1} testId="pose-roll" />
      <CodeSlider store={store} label="Jaw open" read={readJawOpen} write={writeJawOpen} min={-0.1} max={0.6} step={0.005} digits={3} testId="pose-jaw" />
      <CodeSlider store={store} label="Jaw side" read={readJawSide} write={writeJawSide} min={-0.2} max={0.2} step={0.005} digits={3} testId="pose-jaw-side" />
      <CodeSlider store={store} label="Jaw twist" read={readJawTwist} write={writeJawTwist} min={-0.2} max={0.2} step={0.005} digits={3} testId="pose-jaw-twist" />
    </fieldset>
  );
}
