using TorchSharp;
using static TorchSharp.torch;

namespace Cmd.Runtime;

/// <summary>A few Adam steps of a tiny MLP on a fixed regression task: proves forward, backward and optimizer work.</summary>
public static class SmokeTraining
{
    public sealed record Result(int Steps, double FirstLoss, double LastLoss);

    public static Result Run(Device device, int steps = 50, int seed = 0)
    {
        manual_seed(seed);
        using var model = nn.Sequential(nn.Linear(8, 32), nn.GELU(), nn.Linear(32, 1)).to(device);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using var x = randn(64, 8, device: device);
        using var y = x.sum(1, keepdim: true).sin();
        double first = 0, last = 0;
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.mse_loss(model.call(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        return new Result(steps, first, last);
    }
}
