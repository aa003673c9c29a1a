/* The built-in default policy: policy.ini itself, placed in read-only data. */
	.section .rodata.pysbx_policy, "a"
	.globl policy_blob_begin, policy_blob_end
policy_blob_begin:
	.incbin "policy.ini"
policy_blob_end:
	.byte 0
	.section .note.GNU-stack, "", @progbits
