import { isFargateSize, roundUpToFargateSize } from '../../src/platforms/fargate-sizes.js';

describe('roundUpToFargateSize', () => {
  it.each([
    // [vCPU, MiB, minimum vCPU] → billed size
    [0, 0, 0, { vcpu: 0.25, memoryMiB: 512 }], // nothing requested: the smallest size
    [0.1, 356, 0, { vcpu: 0.25, memoryMiB: 512 }], // guestbook pod + 256 MiB
    [0.25, 256, 0, { vcpu: 0.25, memoryMiB: 512 }], // nginx EC2 task compared on Fargate
    [0.25, 2048, 0, { vcpu: 0.25, memoryMiB: 2048 }], // exactly a size
    [0.25, 2049, 0, { vcpu: 0.5, memoryMiB: 3072 }], // memory beyond 0.25 vCPU's range raises the vCPU
    [0.25, 4096, 0, { vcpu: 0.5, memoryMiB: 4096 }],
    [0.5, 1280, 0, { vcpu: 0.5, memoryMiB: 2048 }], // cassandra: 1 GiB + 256 MiB
    [0.6, 1380, 0, { vcpu: 1, memoryMiB: 2048 }], // mysql: 1124 + 256 MiB
    [1, 8448, 0, { vcpu: 2, memoryMiB: 9216 }], // 1 vCPU + 8.25 GB → 2 vCPU / 9 GB
    [2, 1024, 0, { vcpu: 2, memoryMiB: 4096 }], // memory below the vCPU's minimum is raised
    [4, 30 * 1024 + 1, 0, { vcpu: 8, memoryMiB: 32 * 1024 }], // 8 vCPU steps by 4 GB
    [16, 120 * 1024, 0, { vcpu: 16, memoryMiB: 120 * 1024 }],
    [0.5, 1024, 1, { vcpu: 1, memoryMiB: 2048 }], // Windows: at least 1 vCPU
  ])('%f vCPU / %i MiB (min %f vCPU) → %o', (vcpu, memoryMiB, minVcpu, expected) => {
    expect(roundUpToFargateSize(vcpu, memoryMiB, minVcpu)).toEqual(expected);
  });

  it.each([
    [17, 1024],
    [16, 121 * 1024],
  ])('has no size for %f vCPU / %i MiB', (vcpu, memoryMiB) => {
    expect(roundUpToFargateSize(vcpu, memoryMiB)).toBeNull();
  });

  it.each([
    [0.25, 512, true],
    [0.25, 4096, false],
    [8, 20 * 1024, true],
    [8, 18 * 1024, false],
  ])('isFargateSize(%f, %i) = %s', (vcpu, memoryMiB, valid) => {
    expect(isFargateSize(vcpu, memoryMiB)).toBe(valid);
  });
});
