import Testing

@testable import WSMonCore

@Suite("Reassembling fragmented messages")
struct MessageAssemblerTests {
    /// Each reallocation copies the message so far: their number must grow with the log of
    /// the fragment count, not with the count (exact reservations made a 64 MiB message in
    /// 16 KiB fragments copy 128 GiB).
    @Test func fragmentsGrowTheBufferGeometrically() {
        var assembler = MessageAssembler()
        assembler.start(.binary)
        let fragment = [UInt8](repeating: 0x78, count: 16 * 1024)
        var reallocations = 0
        for _ in 0..<4096 {
            let capacity = assembler.buffer.capacity
            assembler.reserve(forFrameOf: fragment.count)
            assembler.buffer.append(contentsOf: fragment)
            if assembler.buffer.capacity != capacity { reallocations += 1 }
        }
        #expect(assembler.buffer.count == 64 * 1024 * 1024)
        #expect(reallocations <= 13, "\(reallocations) reallocations for 4096 fragments")
        #expect(assembler.buffer.capacity < 2 * assembler.buffer.count + fragment.count)
    }

    @Test func aSingleLargeFrameIsReservedExactly() {
        var assembler = MessageAssembler()
        assembler.start(.text)
        assembler.reserve(forFrameOf: 1_000_000)
        #expect(assembler.buffer.capacity >= 1_000_000 && assembler.buffer.capacity < 1_100_000)
    }
}
