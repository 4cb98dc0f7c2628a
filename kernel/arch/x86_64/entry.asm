; Kernel entry and exit: interrupt/exception stubs, the syscall entry, the
; paths back to ring 3, and the kernel-stack switch between threads.
;
; Every entry builds the same struct trap_frame (arch.h) on the kernel stack:
; r15 .. rax, vector, error, rip, cs, rflags, rsp, ss.  From ring 3 the CPU
; switches to TSS.rsp0 (interrupts) or we load gs:8 (syscall); both hold the
; running thread's kernel stack top.

bits 64
section .text

%define PCPU_KSTACK 8
%define PCPU_USER_RSP 16
%define SEL_UCODE_RPL3 0x2B
%define SEL_UDATA_RPL3 0x23
%define VEC_SYSCALL 0x100
%define TF_RFLAGS 19*8   ; offset of rflags in struct trap_frame
%define MSR_GS_BASE 0xC0000101
; The RFLAGS bits ring 3 may set and keep: CF PF AF ZF SF TF DF OF NT AC ID.
%define USER_RFLAGS 0x244DD5
%define RFLAGS_IF_1 0x202               ; IF and the always-one bit 1

extern trap_handler, syscall_handler
extern fastpath_call, fastpath_reply_recv, syscall_fast_error
%define SYS_CALL 7                     ; abi/syscall.h
%define SYS_REPLY_RECV 8
%define FASTPATH_SLOW -1               ; fastpath.h

; Vectors where the CPU pushes an error code.
%define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

%macro STUB 1
isr_stub_%1:
%if HAS_ERR(%1) == 0
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

%assign v 0
%rep 256
%if v != 14
	STUB v
%endif
%assign v v + 1
%endrep

; From here on the code every fault and fast IPC runs (the #PF stub, the
; trap and system-call entries and exits, the switches): kept with the C
; functions of that path at the start of the kernel's text (linker.ld), on
; as few pages as possible (each page touched after a CR3 write is a refill
; of QEMU's soft TLB).
section .text.hot
	STUB 14

%macro PUSH_GPRS 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro POP_GPRS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro

trap_common:
	test qword [rsp + 24], 3          ; cs of the interrupted code
	jz .kernel
	swapgs
	PUSH_GPRS
	cld
	mov rdi, rsp
	call trap_handler
	jmp trap_return
	; From ring 0 the GS base may still be the user's: an NMI (on its IST
	; stack) can land between a swapgs and the iretq/sysret after it, or at
	; the first instruction of syscall_entry.  So, as Linux's
	; paranoid entry does, look at the GS base itself: kernel per-CPU areas
	; are at negative addresses, and no user GS base is (nothing lets ring
	; 3 set one).  rbx (callee-saved) remembers whether to swap back.
.kernel:
	PUSH_GPRS
	cld
	xor ebx, ebx
	mov ecx, MSR_GS_BASE
	rdmsr
	test edx, edx
	js .kernel_gs
	swapgs
	mov ebx, 1
.kernel_gs:
	mov rdi, rsp
	call trap_handler
	test ebx, ebx
	jz .kernel_out
	swapgs
.kernel_out:
	POP_GPRS
	add rsp, 16
	iretq

; trap_return: rsp points at a trap_frame of ring-3 code; restore it and
; iretq.  New threads start here too.  RFLAGS goes back to ring 3 with only
; the bits ring 3 may hold (USER_RFLAGS), IF forced on: IOPL, VM, VIF/VIP
; never come from a saved frame.
global trap_return
trap_return:
	and qword [rsp + TF_RFLAGS], USER_RFLAGS
	or qword [rsp + TF_RFLAGS], RFLAGS_IF_1
	POP_GPRS
	add rsp, 16                       ; vector and error code
	swapgs
	iretq

; syscall: rcx = user rip, r11 = user rflags, interrupts masked by SFMASK.
global syscall_entry
syscall_entry:
	swapgs
	mov [gs:PCPU_USER_RSP], rsp
	mov rsp, [gs:PCPU_KSTACK]
	push SEL_UDATA_RPL3               ; ss
	push qword [gs:PCPU_USER_RSP]     ; rsp
	push r11                          ; rflags
	push SEL_UCODE_RPL3               ; cs
	push rcx                          ; rip
	push 0                            ; error
	push VEC_SYSCALL                  ; vector
	PUSH_GPRS
	cld
	; call and reply_recv try the IPC fast path first, straight from the
	; argument registers (still the user's): taken, it does not come back
	; (the thread goes on in resume_syscall_*); FASTPATH_SLOW sends the
	; call to the generic dispatch, which reads the frame; anything else
	; is the call's error, with no results.
	lea rcx, [rax - SYS_CALL]         ; rcx is free: the user rip is saved
	cmp rcx, SYS_REPLY_RECV - SYS_CALL
	jbe syscall_fast                  ; one of the two (unsigned compare)
syscall_generic:
	mov rdi, rsp
	call syscall_handler
syscall_exit:
	; sysret with a non-canonical rip would fault in ring 0 on the user's
	; stack.  syscall_handler has already ended any thread whose rip is at
	; or above USER_END (none can be: the last user page is never mapped
	; and thread_create checks entry points); this is the last guard:
	; iretq faults on such a rip in ring 0 too, but on the kernel stack,
	; where the paranoid entry turns it into a panic with a dump.
	mov rcx, [rsp + 15*8 + 16]        ; rip
	shr rcx, 47
	jnz trap_return
	POP_GPRS
	add rsp, 16
	pop rcx                           ; rip
	add rsp, 8                        ; cs
	pop r11                           ; rflags
	and r11, USER_RFLAGS
	or r11, RFLAGS_IF_1
	pop rsp                           ; user rsp (ss is implied)
	swapgs
	o64 sysret
syscall_fast:
	cmp eax, SYS_CALL
	mov rcx, r10
	jne syscall_fast_reply_recv
	call fastpath_call
	jmp syscall_fast_back
syscall_fast_reply_recv:
	call fastpath_reply_recv
syscall_fast_back:
	cmp eax, FASTPATH_SLOW
	je syscall_generic
	mov rdi, rsp
	mov esi, eax
	call syscall_fast_error
	jmp syscall_exit

; void arch_switch(uint64_t *save, const uint64_t *next, int *prev_on_cpu,
;                  int *next_on_cpu)
; Save the callee-saved registers and rsp of this thread, mark it off the CPU,
; wait until the next thread is off every other CPU and claim it, then
; continue on its stack.  Between the store to *prev_on_cpu and the load of
; the next rsp nothing touches the stack (interrupts are off), so a CPU never
; waits while it still occupies a thread's stack: waits cannot form a cycle.
global arch_switch
arch_switch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov dword [rdx], 0
	mov r8d, 1
.claim:
	xor eax, eax
	lock cmpxchg [rcx], r8d
	jz .claimed
	pause
	jmp .claim
.claimed:
	mov rsp, [rsi]
switch_restore:                           ; a saved context (rsp at it): both switches
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; void arch_switch_fast(uint64_t *save, void *uframe, int *prev_on_cpu,
;                       int *next_on_cpu, uint64_t next, uint64_t hows)
; The IPC fast path's switch (arch_api.h).  This thread's context becomes
; six dummy callee-saved slots and a return address right below its user
; frame: the resume stub its `how` (hows & 0xFF: 1 syscall, 2 fault)
; names.  We are on this stack, deeper down, and never come back, so the
; slots (syscall_handler's frame) are free.  Then the hand-over of
; arch_switch; then the next thread from its saved context (next how 0:
; next = where it is saved, read after the claim as arch_switch does: it
; may still be on its way off another CPU; rsp = that, pop, ret) or
; straight from its user frame (rsp = next = the frame) at the resume
; function its how names.
%define RESUME_SYSCALL 1
global arch_switch_fast
arch_switch_fast:
	lea rax, [rsi - 7*8]
	mov [rdi], rax                    ; save: the dummy context
	lea rax, [rel resume_syscall_entry]
	lea r10, [rel resume_fault_entry]
	cmp r9b, RESUME_SYSCALL
	cmovne rax, r10
	mov [rsi - 8], rax                ; its return address
	mov dword [rdx], 0                ; off this CPU: its stack is not ours now
	mov r10d, 1
.claim:
	xor eax, eax
	lock cmpxchg [rcx], r10d
	jz .claimed
	pause
	jmp .claim
.claimed:
	shr r9, 8
	jz .context
	mov rsp, r8
	cmp r9b, RESUME_SYSCALL
	je resume_syscall_direct
	jmp resume_fault_direct
.context:
	mov rsp, [r8]                     ; read only now: saved as it left its CPU
	jmp switch_restore

; A thread that blocked in arch_switch_fast goes on here (rsp = its user
; frame): through arch_switch's ret (after finishing that switch), or
; straight from arch_switch_fast (nothing to finish: that switch leaves no
; dead thread behind).
extern sched_finish_switch, arch_resume_syscall, arch_resume_fault
resume_syscall_entry:
	call sched_finish_switch
resume_syscall_direct:
	mov rdi, rsp
	call arch_resume_syscall
	jmp syscall_exit

resume_fault_entry:
	call sched_finish_switch
resume_fault_direct:
	mov rdi, rsp
	call arch_resume_fault
	jmp trap_return

; First code of a new thread after arch_switch: finish the switch in C, then
; enter ring 3 through its trap frame, which sits right above.
extern thread_first_run
global thread_first_entry
thread_first_entry:
	call thread_first_run
	jmp trap_return

section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 256
	dq isr_stub_%+v
%assign v v + 1
%endrep
