// Scratch (session 38), kept as the source of the seed-0 probe in README.md: does a magnitude-conditioned motion DiT
// follow its condition? Built as a console project referencing src/Cmd (copy the CLI's libLibTorchSharp.so beside it);
// args: MOTION own,other,half,double. Motion prediction on the 256 held-out clips (seed 0, anchored) with m from the
// clip's own z, the previous clip's, own x 0.5, own x 2.
using System.Globalization;
using Cmd.Evaluation;
using Cmd.Metrics.Fvd;
using Cmd.Pipeline;
using static TorchSharp.torch;

Cmd.Runtime.MklDispatch.Apply(); Cmd.Runtime.KernelCapability.Apply();
Cmd.Runtime.NativeMemory.KeepFreedMemory(); Cmd.Runtime.ConvolutionCheck.Apply();
var root = "/work/main";
using var detector = LocalFvdDetector.Load(FvdEvaluation.LocalDetectorPath());
using var ae = ModelStore.LoadAutoencoder(Path.Combine(root, "data/weights/small/autoencoder.safetensors"));
var motion = ModelStore.LoadMotion(args[0]);
const int count = 256;
var real = FvdEvaluation.HeldOut(AutoencoderData.MovingMnistFor(ae.Config), 2 * count);
var realStats = FvdEvaluation.Stats(detector, real, count);
using var held = LatentEncoder.Encode(ae, real, count);
var floor = FvdEvaluation.RealVsReal(detector, realStats, real, count);
var c = motion.Model.Config;
var denoised = KeypointLayout.DenoisedFn(false, MotionAnchor.Final, ae.Config);
foreach (var mode in args[1].Split(','))
{
    using var rolled = held.Z.roll(1, 0);
    using var own = motion.Magnitude!.Of(held.Z, c.GridHeight, c.GridWidth);
    using var m = mode switch
    {
        "own" => own.alias(), "other" => motion.Magnitude.Of(rolled, c.GridHeight, c.GridWidth),
        "half" => own * 0.5, "double" => own * 2, "prior" => motion.DrawMagnitudes(count, c.MagnitudeInputs),
        _ => throw new ArgumentException(mode),
    };
    manual_seed(0);
    var zs = new List<Tensor>();
    for (int i = 0; i < count; i += 16)
        zs.Add(CmdSampler.SampleMotion(motion.Model, held.Content.narrow(0, i, 16), held.Labels.narrow(0, i, 16),
            motion.ZScale, 100, denoisedFn: denoised, magnitude: m.narrow(0, i, 16)));
    using var drawn = cat(zs.ToArray()); zs.ForEach(t => t.Dispose());
    using var zz = KeypointAnchor.Finish(drawn, MotionAnchor.Final, ae.Config);
    using var videos = CmdSampler.Decode(ae, held.Content, zz);
    var fvd = FvdEvaluation.Of(detector, realStats, videos);
    var tr = KeypointTrajectories.Of(zz, held.Z, ae.Config);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{mode}: {fvd.Value / floor.Value:F2}x digit speed {tr.DigitSpeed:F2} slow {tr.Slow:P1} fast {tr.Fast:P1} " +
        $"turn {tr.Turn:F2} place {tr.PlaceError:F2}"));
}
var realTr = KeypointTrajectories.Of(held.Z, held.Z, ae.Config);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"real: digit speed {realTr.DigitSpeed:F2}"));
