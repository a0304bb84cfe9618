using static TorchSharp.torch;

namespace Cmd.Training;

/// <summary>
/// The byte layout of libtorch's CPU generator state (<c>torch.get_rng_state()</c>), as <c>CPUGeneratorImpl::get_state</c>
/// writes it and <c>set_state</c> reads it (aten/src/ATen/CPUGeneratorImpl.cpp, x86-64): the legacy POD
/// {u64 seed; i32 left; i32 seeded; u64 next; u64 state[624]; f64 normal_x, normal_y, normal_rho; i32 normal_is_valid}
/// (5048 bytes with padding), then f32 next_float_normal_sample and a bool, padded to 5056 bytes. set_state aborts the
/// process (<c>Invalid mt19937 state</c>, from inside TorchSharp's native call) unless seeded, 1 &lt;= left &lt;= 624 and
/// next &lt;= 624, so every field is checked here first, plus what get_state always writes and libtorch silently
/// assumes (left + next = 625 or a fresh engine, state words of 32 bits, flags 0 or 1).
/// </summary>
public static class TorchRngState
{
    public const int Size = 5056;
    const int N = 624;
    const int LeftAt = 8, SeededAt = 12, NextAt = 16, StateAt = 24, NormalYAt = StateAt + 8 * N + 8, NormalValidAt = StateAt + 8 * N + 24;
    const int FloatValidAt = 5052;

    /// <summary>What is wrong with <paramref name="state"/> as a CPU generator state, or null when set_rng_state may take it.</summary>
    public static string? Problem(Tensor state)
    {
        if (state.dtype != ScalarType.Byte) return $"is {state.dtype}, a generator state is uint8";
        if (state.shape is not [Size]) return $"has shape [{string.Join(", ", state.shape)}], libtorch's CPU generator state is [{Size}] bytes";
        var b = state.data<byte>().ToArray();
        int left = BitConverter.ToInt32(b, LeftAt), seeded = BitConverter.ToInt32(b, SeededAt);
        ulong next = BitConverter.ToUInt64(b, NextAt);
        if (seeded != 1) return $"says seeded = {seeded} (libtorch writes 1 and rejects 0)";
        if (left is < 1 or > N) return $"has left = {left}, libtorch needs 1..{N}";
        if (next > N) return $"has next = {next}, libtorch needs 0..{N}";
        if (!(left + (long)next == N + 1 || (left == 1 && next == 0)))
            return $"has left = {left} and next = {next}; a generator keeps left + next = {N + 1} (or 1 and 0 when just seeded)";
        for (int i = 0; i < N; i++)
            if (BitConverter.ToUInt64(b, StateAt + 8 * i) > uint.MaxValue) return $"state word {i} does not fit the engine's 32 bits";
        int normalValid = BitConverter.ToInt32(b, NormalValidAt);
        if (normalValid is not (0 or 1)) return $"has normal_is_valid = {normalValid} (0 or 1)";
        if (normalValid == 1 && !double.IsFinite(BitConverter.ToDouble(b, NormalYAt))) return "holds a cached normal sample that is not finite";
        if (b[FloatValidAt] is not (0 or 1)) return $"has a float-sample flag of {b[FloatValidAt]} (0 or 1)";
        return null;
    }
}
