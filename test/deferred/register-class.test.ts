/**
 * registerClass: what it accepts, and what a task naming a registered class becomes where the
 * class is not registered: the handler's clear refusal, and the tools that only show tasks
 * (the emulator's dashboard, the dead-letters CLI), which show the instance under its id.
 */
import { registerClass } from 'next-cloud-tasks';
import { decodeEnvelope, decodeEnvelopeForDisplay, encodeEnvelope, EnvelopeDecodeError } from '@/lib/src/contract/envelope';
import { envelopeSerializer } from '@/lib/src/runtime/class-registry';
import { decodeTaskBody } from '@/lib/src/emulator/dashboard/format';

class Parcel {
  constructor(
    public weightGrams: number,
    public sentAt: Date,
  ) {}
  kilos() {
    return this.weightGrams / 1000;
  }
}
registerClass('test.Parcel', Parcel);

test('ids are checked like deferrable ids: they name the class in every queued task', () => {
  expect(() => registerClass('has space', class {})).toThrow(/registerClass id "has space" is not valid/);
  expect(() => registerClass('', class {})).toThrow(/not valid/);
  expect(() => registerClass('ok.id', (() => {}) as never)).toThrow(/takes a class/);
});

test('a class that extends a built-in is refused: only its own fields would travel', () => {
  expect(() => registerClass('test.Registry', class Registry extends Map {})).toThrow(
    /registerClass\("test\.Registry", Registry\): a class that extends Map cannot travel as one/,
  );
  expect(() => registerClass('test.Failure', class Failure extends Error {})).toThrow(/extends Error/);
  expect(() => registerClass('test.Bytes', class Bytes extends Uint8Array {})).toThrow(/extends Uint8Array/);
});

test('one id per class, one class per id', () => {
  registerClass('test.Parcel', Parcel); // again, the same: fine
  expect(() => registerClass('test.Box', Parcel)).toThrow(/class Parcel is registered as "test\.Parcel" already/);
  expect(() => registerClass('test.Parcel', class Other {})).toThrow(/"test\.Parcel" is class Parcel's id already/);
});

const body = () => encodeEnvelope('ship', [new Parcel(2500, new Date(0))], { enqueuedAt: 1 }, envelopeSerializer());

test('where the class is registered, the instance decodes as itself', () => {
  const [parcel] = decodeEnvelope(body(), envelopeSerializer()).args as [Parcel];
  expect(parcel).toBeInstanceOf(Parcel);
  expect(parcel.kilos()).toBe(2.5);
  expect(parcel.sentAt).toEqual(new Date(0));
});

test('where it is not, the handler refuses the body naming the class and the fix', () => {
  const decode = () => decodeEnvelope(body());
  expect(decode).toThrow(EnvelopeDecodeError);
  expect(decode).toThrow(
    /the task's arguments hold an instance of class "test\.Parcel", which is not registered in the process that runs it: call registerClass\('test\.Parcel', TheClass\) in a module the task route loads/,
  );
});

test('tools that only show tasks decode it under its id, fields intact', () => {
  const [shown] = decodeEnvelopeForDisplay(body()).args as [{ weightGrams: number; sentAt: Date }];
  expect(shown.constructor.name).toBe('test.Parcel');
  expect(shown).toEqual(expect.objectContaining({ weightGrams: 2500, sentAt: new Date(0) }));
  expect(decodeTaskBody(Buffer.from(body()).toString('base64'))).toEqual({
    fn: 'ship',
    args: 'test.Parcel {weightGrams: 2500, sentAt: Date(1970-01-01T00:00:00.000Z)}',
  });
});

test("across module instances (Next loads the package once per bundle): each decodes to its own copy of the class, to another's only for an id it lacks", () => {
  let other!: {
    core: typeof import('next-cloud-tasks');
    registry: typeof import('@/lib/src/runtime/class-registry');
    envelope: typeof import('@/lib/src/contract/envelope');
  };
  jest.isolateModules(() => {
    other = {
      core: require('next-cloud-tasks'),
      registry: require('@/lib/src/runtime/class-registry'),
      envelope: require('@/lib/src/contract/envelope'),
    };
  });
  expect(other.registry.envelopeSerializer()).not.toBe(envelopeSerializer());
  const decodedThere = () => other.envelope.decodeEnvelope(body(), other.registry.envelopeSerializer()).args[0] as Parcel;
  // Not registered there: the process's registration (this instance's class) fills in.
  expect(decodedThere()).toBeInstanceOf(Parcel);
  expect(decodedThere().kilos()).toBe(2.5);
  // Its own copy of the class (as each bundle has its own copy of the app's modules) wins there, and only there.
  class ParcelThere {
    kilos() {
      return -1;
    }
  }
  other.core.registerClass('test.Parcel', ParcelThere);
  expect(decodedThere()).toBeInstanceOf(ParcelThere);
  expect(decodeEnvelope(body(), envelopeSerializer()).args[0]).toBeInstanceOf(Parcel);
});
