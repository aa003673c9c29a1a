/* The built-in policies, placed in read-only data: policy.ini itself (the
 * default) and the shipped profiles (profiles/NAME.ini), layers on it. */
	.section .rodata.pysbx_policy, "a"
	.globl policy_blob_begin, policy_blob_end
policy_blob_begin:
	.incbin "policy.ini"
policy_blob_end:
	.byte 0
	.globl profile_judge_begin, profile_judge_end
profile_judge_begin:
	.incbin "profiles/judge.ini"
profile_judge_end:
	.byte 0
	.globl profile_notebook_begin, profile_notebook_end
profile_notebook_begin:
	.incbin "profiles/notebook.ini"
profile_notebook_end:
	.byte 0
	.section .note.GNU-stack, "", @progbits
