"""Time upstream DiffusionRig's own DDIM loop (PyTorch CPU, eval, no grad) for bench/sample.

Usage: OMP_NUM_THREADS=N python3 upstream_ddim.py UPSTREAM_DIR SIZE STEPS
Builds upstream's default model at SIZE with random weights and its diffusion respaced to
ddimSTEPS, then runs `ddim_sample_loop` (clip_denoised, eta 0) once at batch 1 after one
warm-up pass. Prints one JSON line: seconds per sample, steps, seconds per step, threads.
Upstream has no DPM-Solver: its code samples with DDPM and DDIM only.
"""
import json, sys, time
import torch as th
up, size, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
sys.path.insert(0, up)
from utils.script_util import model_and_diffusion_defaults, create_model_and_diffusion
args = model_and_diffusion_defaults(); args.update(image_size=size, timestep_respacing=f"ddim{steps}")
model, diffusion = create_model_and_diffusion(**args)
model.eval()
th.manual_seed(0)
x = th.rand(1, 3, size, size) * 2 - 1
cond = th.rand(1, 9, size, size)
with th.no_grad():
    lat = model.encode_cond(x)
    model.denoisingUNet(x, th.tensor([500]), cond, lat)
    start = time.time()
    diffusion.ddim_sample_loop(model, (1, 3, size, size), noise=th.randn(1, 3, size, size), clip_denoised=True,
                               model_kwargs={"physic_cond": cond, "detail_cond": lat}, eta=0.0)
    seconds = time.time() - start
print(json.dumps({"size": size, "steps": steps, "sample_s": seconds, "step_s": seconds / steps, "threads": th.get_num_threads()}))
